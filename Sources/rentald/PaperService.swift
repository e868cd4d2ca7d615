import Foundation
import Logging
import RentalKit
import RentalPages
import Synchronization

/// Renders the papers (contract, acts, family card, label sheet) from the store with the templates in
/// force. The templates are loaded and checked at start; a reload that finds a broken one keeps the last
/// good set. The pages hold personal data: nothing of them is logged.
final class PaperService: Sendable {
    private struct State {
        var templates: TemplateSet
        var documents: DaemonConfig.Documents
        var staffNames: [String: String]
    }

    private let state: Mutex<State>
    private let logger: Logger

    init(templates: TemplateSet, config: DaemonConfig, logger: Logger) {
        state = Mutex(State(templates: templates, documents: config.documents, staffNames: config.staffNames))
        self.logger = logger
    }

    /// The templates `config` selects, checked.
    static func templates(for config: DaemonConfig) throws(TemplateError) -> TemplateSet {
        try TemplateSet.load(adminDirectory: config.documents.templateDirectory)
    }

    /// Takes the new `[documents]` and `[staff]`; templates that fail to load are refused (logged with
    /// file and line) and the running ones kept.
    func reload(_ config: DaemonConfig) {
        let loaded: TemplateSet?
        do {
            loaded = try Self.templates(for: config)
        } catch {
            loaded = nil
            logger.error("reload: templates refused, keeping the last good ones: \(error)")
        }
        state.withLock {
            if let loaded { $0.templates = loaded }
            $0.documents = config.documents
            $0.staffNames = config.staffNames
        }
    }

    private var snapshot: State { state.withLock { $0 } }

    /// One loan's contract, hand-over act or return act.
    func loanDocument(_ kind: DocumentKind, loan id: Int64, copies: Int?, store: RentalStore) async throws -> String {
        let current = snapshot
        let loan = try await store.loan(id)
        let centre = try await store.centre(loan.centre)
        let type = try await store.itemType(loan.itemType)
        let rule = try? await store.effectiveRule(centre: loan.centre, itemType: loan.itemType)
        let checkout = try await store.auditEvents(entity: "loan", key: "\(id)", limit: 10)
            .first { $0.action.hasPrefix("loan.checkout") }
        let input = LoanPaperInput(
            loan: loan, family: try await store.family(loan.family), unit: try await store.unit(loan.inventoryNumber),
            itemType: type, centre: centre, details: details(centre.code, current.documents),
            handoverCondition: checkout?.details["condition"].flatMap(Condition.init(rawValue:)), rule: rule,
            issuedByName: current.staffNames[loan.issuedBy] ?? loan.issuedBy,
            closedByName: loan.closedBy.map { current.staffNames[$0] ?? $0 },
            returnedTo: try await loan.returnedTo.asyncMap { try await store.centre($0) })
        var layout = layout(current.documents)
        if let copies { layout.copies = copies }
        let context = PaperContext.loan(input, layout: layout, printedOn: today(in: centre))
        return current.templates.render(kind, context)
    }

    /// A family's card: every loan, oldest first, headed by `centre` (or the centre of its latest loan).
    func familyCard(_ reference: String, centre code: String?, store: RentalStore) async throws -> String {
        let current = snapshot
        let family = try await store.family(reference)
        var loans: [Loan] = []
        var after: Int64?
        repeat {
            let page = try await store.loans(LoanFilter(family: family.reference, openOnly: false, afterID: after, limit: 1000))
            loans += page
            after = page.count == 1000 ? page.last?.id : nil
        } while after != nil
        let types = Dictionary(try await store.itemTypes().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let centres = try await store.centres()
        let names = Dictionary(centres.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let heading = try await (code ?? loans.last?.centre).asyncMap { try await store.centre($0) }
        let input = FamilyCardInput(
            family: family,
            lines: loans.map { .init(loan: $0, itemTypeName: types[$0.itemType] ?? $0.itemType, centreName: names[$0.centre] ?? $0.centre) },
            centre: heading, details: heading.map { details($0.code, current.documents) } ?? CentreDetails(organisation: current.documents.organisation))
        let zoneCentre = heading ?? centres.first
        return current.templates.render(.card, PaperContext.card(input, printedOn: zoneCentre.map(today(in:)) ?? LocalDate(Date(), in: ZoneRules.utc)))
    }

    /// A label sheet for a centre's units (all but retired and lost ones), or for the units named.
    func labels(centre code: String, itemType: String?, units numbers: [String]?, store: RentalStore) async throws -> String {
        let current = snapshot
        let centre = try await store.centre(code)
        var units: [RentalUnit] = []
        if let numbers {
            guard numbers.count <= 1000 else { throw RentalError(.invalidInput, "units: at most 1000 inventory numbers") }
            for number in numbers { units.append(try await store.unit(number)) }
        } else {
            if let itemType { _ = try await store.itemType(itemType) }
            var after: String?
            repeat {
                let page = try await store.units(centre: centre.code, itemType: itemType, status: nil, after: after, limit: 1000)
                units += page.filter { $0.status != .retired && $0.status != .lost }
                after = page.count == 1000 ? page.last?.inventoryNumber : nil
            } while after != nil
        }
        let types = Dictionary(try await store.itemTypes().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let labels = units.map { LabelInput(inventoryNumber: $0.inventoryNumber, itemTypeName: types[$0.itemType] ?? $0.itemType) }
        do {
            return current.templates.render(.labels, try PaperContext.labels(labels, centre: centre, layout: layout(current.documents)))
        } catch {
            throw RentalError(.invalidInput, "units: an inventory number is too long for a QR code (\(error.description))")
        }
    }

    private func details(_ centre: String, _ documents: DaemonConfig.Documents) -> CentreDetails {
        let facts = documents.centres[centre]
        return CentreDetails(organisation: facts?.organisation ?? documents.organisation, address: facts?.address ?? "",
                             head: facts?.head ?? "")
    }

    private func layout(_ documents: DaemonConfig.Documents) -> PaperLayout {
        PaperLayout(copies: documents.copies, labelColumns: documents.labelColumns, labelRows: documents.labelRows,
                    labelURL: documents.labelURL)
    }

    private func today(in centre: Centre) -> LocalDate {
        LocalDate(Date(), in: ZoneRules.named(centre.timeZone) ?? .utc)
    }
}

extension Optional {
    /// `map` with an async throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
