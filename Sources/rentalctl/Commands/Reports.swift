import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RentalClient
import RentalProtocol

extension ReportName: ExpressibleByArgument {}

/// `rentalctl report NAME --from --to`: the ministry's figures for a period.
///
/// CSV and HTML are made by the daemon (`format=csv|html`) and printed as they come. Measured on this
/// toolchain (Swift 6.3.1): CSV.swift imports the whole Foundation, which would add libFoundation (9.0 MB),
/// libFoundationInternationalization (3.8 MB) and lib_FoundationICU (40.8 MB) to this client, which links
/// FoundationEssentials only (10.4 MB) — statically in release builds, so every `rentalctl` start would map
/// them. The daemon links Foundation already.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: tr("Figures for a period: families and children served, loans, utilisation, overdue, waiting lists, stock.", "Показатели за период: семьи и дети, выдачи, загрузка, просрочки, очереди, фонд."),
        discussion: tr("""
            NAME: \(ReportName.allCases.map(\.rawValue).joined(separator: ", ")). Days are each centre's local days. \
            --csv writes CSV for a Russian Excel (UTF-8 with BOM, ';', decimal comma, dd.mm.yyyy) unless \
            --csv-dialect rfc4180; --html writes one self-contained page (charts, print layout for A4). \
            Headings follow the language of LANG.
            """, """
            NAME: \(ReportName.allCases.map(\.rawValue).joined(separator: ", ")). Дни — местные дни каждого центра. \
            --csv выводит CSV для русского Excel (UTF-8 с BOM, ';', десятичная запятая, дд.мм.гггг), \
            с --csv-dialect rfc4180 — по RFC 4180; --html выводит одну страницу (графики, вёрстка для печати на A4). \
            Заголовки — на языке из LANG.
            """))

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Which report.", "Какой отчёт."))) var name: ReportName
    @Option(help: ArgumentHelp(tr("First day (01.01.2026 or 2026-01-01).", "Первый день (01.01.2026 или 2026-01-01)."), valueName: "date"), transform: Check.date) var from: LocalDate
    @Option(help: ArgumentHelp(tr("Last day, included.", "Последний день, включительно."), valueName: "date"), transform: Check.date) var to: LocalDate
    @Option(help: ArgumentHelp(tr("Only this centre.", "Только этот центр."), valueName: "code"), transform: Check.centreCode) var centre: String?
    @Option(help: ArgumentHelp(tr("Only this category.", "Только эта категория."), valueName: "category")) var category: Category?
    @Option(name: .customLong("type"), help: ArgumentHelp(tr("Only this item type.", "Только этот вид вещей."), valueName: "code"), transform: Check.itemTypeCode) var itemType: String?
    @Flag(help: ArgumentHelp(tr("Write CSV.", "Вывести CSV."))) var csv = false
    @Flag(help: ArgumentHelp(tr("Write one HTML page.", "Вывести одну HTML-страницу."))) var html = false
    @Option(name: .customLong("csv-dialect"), help: ArgumentHelp(tr("excel (default) or rfc4180.", "excel (по умолчанию) или rfc4180."), valueName: "dialect"))
    var dialect: String = "excel"

    func validate() throws {
        guard [csv, html, global.json].filter({ $0 }).count <= 1 else {
            throw ValidationError(tr("Choose one of --json, --csv, --html.", "Выберите одно из --json, --csv, --html."))
        }
        guard ["excel", "rfc4180"].contains(dialect) else {
            throw ValidationError(tr("--csv-dialect is excel or rfc4180.", "--csv-dialect: excel или rfc4180."))
        }
    }

    func run() async throws {
        let query = ReportQuery(from: from, to: to, centre: centre, category: category, itemType: itemType)
        let language = Language.current == .russian ? "ru" : "en"
        try await perform { () async throws(RentalError) in
            if csv || html {
                let bytes = try await global.client.reportDocument(name, query, format: csv ? "csv" : "html", language: language,
                                                                   dialect: csv ? dialect : nil)
                return Self.writeOut(bytes)
            }
            let report = try await global.client.report(name, query)
            if global.json { return Output.json(report) }
            ReportText.print(report)
        }
    }

    /// Writes bytes to standard output whole.
    static func writeOut(_ data: Data) {
        var bytes = Array(data)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// A report as text for the terminal: the figures of each section, then its main breakdown.
enum ReportText {
    /// The report's name in the reader's language.
    static func title(_ name: ReportName) -> String {
        switch name {
        case .summary: tr("summary", "сводный")
        case .families: tr("families", "семьи")
        case .loans: tr("loans", "выдачи")
        case .utilisation: tr("utilisation", "использование")
        case .overdue: tr("overdue", "просрочки")
        case .waiting: tr("waiting lists", "очереди")
        case .stock: tr("stock", "фонд")
        case .popular: tr("most borrowed", "востребованность")
        }
    }

    static func print(_ report: Report) {
        let names = Dictionary(report.centres.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let types = Dictionary(report.itemTypes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        func centre(_ code: String) -> String { names[code] ?? code }
        func type(_ code: String) -> String { types[code] ?? code }
        func share(_ value: Double?) -> String {
            guard let value else { return "—" }
            return decimal(value * 100) + " %"
        }
        func money(_ minor: Int) -> String {
            "\(minor / 100)" + (Language.current == .russian ? "," : ".") + PlainText.padded(minor % 100, width: 2)
        }
        func decimal(_ value: Double) -> String {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10)" + (Language.current == .russian ? "," : ".") + "\(abs(tenths % 10))"
        }
        var figures: [[String]] = []
        func add(_ english: String, _ russian: String, _ value: String) { figures.append([tr(english, russian), value]) }
        Swift.print(Output.bold(tr("Report", "Отчёт") + " «\(title(report.name))»: \(Output.date(report.query.from)) — \(Output.date(report.query.to))"))
        if let f = report.families {
            add("Families served", "Семей обслужено", "\(f.served)")
            add("Children in them", "Детей в них", "\(f.children)")
            add("  under one at the loan's start", "  до года на дату выдачи", "\(f.childrenUnderOne)")
            add("New families", "Новых семей", "\(f.newFamilies)")
        }
        if let l = report.loans {
            add("Loans started", "Выдано", "\(l.total.started)")
            add("Returned", "Возвращено", "\(l.total.returned)")
            add("Renewed", "Продлено", "\(l.total.renewed)")
            add("Lost", "Утеряно", "\(l.total.lost)")
        }
        if let u = report.utilisation { add("Utilisation", "Использование фонда", share(u.total.share)) }
        if let o = report.overdue {
            add("Became overdue", "Стали просроченными", "\(o.becameOverdue)")
            add("Returned late", "Возвращено с опозданием", "\(o.returnedLate) / \(o.returned) (\(share(o.lateShare)))")
            add("Median days late", "Медиана опоздания, дней", o.medianDaysLate.map(decimal) ?? "—")
            add("Overdue now", "Просрочено сейчас", "\(o.openOverdueNow)")
        }
        if let w = report.waiting {
            add("Reservations placed", "Заявок подано", "\(w.placed)")
            add("Fulfilled", "Выполнено", "\(w.fulfilled)")
            if let expired = w.expired { add("Expired", "Истекло", "\(expired)") }
            add("Cancelled", "Отменено", "\(w.cancelled)")
            add("Median days to pickup", "Медиана ожидания, дней", w.medianDaysToPickup.map(decimal) ?? "—")
        }
        if let s = report.stock {
            add("Never lent", "Ни разу не выдавались", "\(s.neverLent.reduce(0) { $0 + $1.count })")
            add("Lost or retired in the period", "Утеряно и списано за период", "\(s.leftService.count)")
        }
        if !figures.isEmpty { Output.table([tr("FIGURE", "ПОКАЗАТЕЛЬ"), tr("VALUE", "ЗНАЧЕНИЕ")], figures) }
        if let l = report.loans, !l.byCentreAndType.isEmpty {
            Swift.print()
            Output.table([tr("CENTRE", "ЦЕНТР"), tr("ITEM TYPE", "ПРЕДМЕТ"), tr("STARTED", "ВЫДАНО"), tr("RETURNED", "ВОЗВРАЩЕНО"),
                          tr("RENEWED", "ПРОДЛЕНО"), tr("LOST", "УТЕРЯНО")],
                         l.byCentreAndType.map { [centre($0.centre), type($0.itemType), "\($0.flow.started)", "\($0.flow.returned)",
                                                  "\($0.flow.renewed)", "\($0.flow.lost)"] })
        }
        if let u = report.utilisation, !u.byItemType.isEmpty {
            Swift.print()
            Output.table([tr("ITEM TYPE", "ПРЕДМЕТ"), tr("DAYS IN SERVICE", "ДНЕЙ В РАБОТЕ"), tr("DAYS ON LOAN", "ДНЕЙ НА РУКАХ"),
                          tr("UTILISATION", "ИСПОЛЬЗОВАНИЕ")],
                         u.byItemType.map { [type($0.itemType ?? ""), "\($0.unitDaysInService)", "\($0.unitDaysOnLoan)", share($0.share)] })
        }
        if let w = report.waiting, !w.queues.isEmpty {
            Swift.print()
            Output.table([tr("CENTRE", "ЦЕНТР"), tr("ITEM TYPE", "ПРЕДМЕТ"), tr("WAITING", "ЖДУТ"), tr("AVAILABLE", "В НАЛИЧИИ"),
                          tr("SINCE", "С")],
                         w.queues.map { [centre($0.centre), type($0.itemType), "\($0.waiting)", "\($0.available)", Output.date($0.oldestSince)] })
        }
        if let s = report.stock, report.name == .stock, !s.byStatus.isEmpty {
            Swift.print()
            Output.table([tr("CENTRE", "ЦЕНТР"), tr("STATUS", "СОСТОЯНИЕ"), tr("CONDITION", "СОХРАННОСТЬ"), tr("UNITS", "ЕДИНИЦ")],
                         s.byStatus.map { [centre($0.centre), Language.current.status($0.status), Language.current.condition($0.condition), "\($0.units)"] })
        }
        if let s = report.stock, !s.leftService.isEmpty {
            Swift.print()
            Output.table([tr("UNIT", "ВЕЩЬ"), tr("ITEM TYPE", "ПРЕДМЕТ"), tr("CENTRE", "ЦЕНТР"), tr("STATUS", "СОСТОЯНИЕ"),
                          tr("DATE", "ДАТА"), tr("COST", "СТОИМОСТЬ"), tr("FUNDING", "ИСТОЧНИК")],
                         s.leftService.map { [$0.inventoryNumber, type($0.itemType), centre($0.centre), Language.current.status($0.status),
                                              Output.date($0.on), $0.costMinor.map(money) ?? "—", $0.fundingSource ?? "—"] })
        }
        if let p = report.popular, !p.isEmpty {
            Swift.print()
            Output.table([tr("ITEM TYPE", "ПРЕДМЕТ"), tr("LOANS", "ВЫДАЧ"), tr("FAMILIES", "СЕМЕЙ")],
                         p.map { [type($0.itemType), "\($0.loans)", "\($0.families)"] })
        }
    }
}
