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

extension Console {
    /// Writes bytes whole to standard output (an export); a failed write is dropped.
    static func writeOut(_ data: Data) {
        var bytes = [UInt8](data)[...]
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

extension ImportKind: ExpressibleByArgument {}
extension ExportKind: ExpressibleByArgument {}
extension ImportEncoding: ExpressibleByArgument {}

/// Russian plural forms: 1 строка, 3 строки, 5 строк.
func russianPlural(_ count: Int, _ one: String, _ few: String, _ many: String) -> String {
    let tens = count % 100, units = count % 10
    if (11...14).contains(tens) { return "\(count) \(many)" }
    if units == 1 { return "\(count) \(one)" }
    if (2...4).contains(units) { return "\(count) \(few)" }
    return "\(count) \(many)"
}

/// `rentalctl import units|families|centres FILE`: a CSV register into the store, all or nothing.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: tr("Import a register (units, families, centres) from a CSV file, all or nothing.", "Загрузить реестр (вещи, семьи, центры) из CSV-файла — целиком или ничего."),
        discussion: tr("""
            UTF-8 (with or without BOM) or Windows-1251, ';' or ',' (both detected), dates dd.mm.yyyy, decimal comma, \
            headers in Russian or English (see README, "Importing your registers"). Any problem: nothing is written, \
            every bad row is listed, exit status 64.
            """, """
            UTF-8 (с BOM или без) или Windows-1251, ';' или ',' (определяются сами), даты дд.мм.гггг, десятичная запятая, \
            заголовки на русском или английском (README, «Importing your registers»). При любой ошибке ничего не \
            записывается, перечисляются все неверные строки, код выхода 64.
            """))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("units, families or centres.", "units, families или centres."))) var kind: ImportKind
    @Argument(help: ArgumentHelp(tr("The CSV file.", "CSV-файл."), valueName: "file")) var file: String
    @Flag(name: .long, help: ArgumentHelp(tr("Check and report; write nothing.", "Проверить и сообщить; ничего не записывать."))) var dryRun = false
    @Flag(name: .long, help: ArgumentHelp(tr("Apply changes to existing records and list each changed field.", "Изменить существующие записи и перечислить каждое изменённое поле."))) var update = false
    @Option(name: .long, help: ArgumentHelp(tr("utf-8 or windows-1251 (default: detected).", "utf-8 или windows-1251 (по умолчанию — определяется)."))) var encoding: ImportEncoding?

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw ValidationError(tr("Cannot read \(file).", "Не удалось прочитать \(file)."))
        }
        var report: ImportReport?
        try await perform { () async throws(RentalError) in
            report = try await global.client.importRegister(kind, csv: [UInt8](bytes),
                                                            options: ImportOptions(dryRun: dryRun, update: update, encoding: encoding))
        }
        guard let report else { return }
        if global.json {
            Output.json(report)
        } else {
            Self.show(report)
        }
        if !report.problems.isEmpty { throw ExitCode(ExitStatus.usage) }
    }

    static func show(_ report: ImportReport) {
        if !report.problems.isEmpty {
            Console.writeError(tr("Nothing was imported: \(report.problems.count) problem(s) in the file.\n",
                                  "Ничего не импортировано: ошибок в файле — \(report.problems.count).\n"))
            for problem in report.problems {
                let place = problem.line == 0 ? "" : tr("line \(problem.line)", "строка \(problem.line)")
                    + (problem.column.isEmpty ? "" : ", «\(problem.column)»")
                Console.writeError("  \(place): \(tr(problem.message, problem.messageRu))\n")
            }
            return
        }
        let rows = tr("\(report.rows) row(s)", russianPlural(report.rows, "строка", "строки", "строк"))
        print(tr("\(rows) read (\(report.encoding.rawValue), '\(report.separator)'): ",
                 "Прочитано: \(rows) (\(report.encoding.rawValue), «\(report.separator)»). ")
              + tr("\(report.added) new, \(report.updated) changed, \(report.unchanged) unchanged.",
                   "Новых: \(report.added), изменённых: \(report.updated), без изменений: \(report.unchanged)."))
        for change in report.changes {
            print("  " + tr("line \(change.line)", "строка \(change.line)") + " \(change.key): " + change.fields.joined(separator: ", "))
        }
        if report.written {
            print(tr("Written.", "Записано."))
        } else if report.added + report.updated == 0 {
            print(tr("Nothing to change: the store already holds this file.", "Менять нечего: всё из файла уже записано."))
        } else {
            print(tr("Dry run: nothing was written.", "Пробный прогон: ничего не записано."))
        }
    }
}

/// `rentalctl export units|families|loans|centres`: CSV as the importer reads it, or JSON with `--json`.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: tr("Export units, families, loans or centres as CSV (the importer's format) or JSON.", "Выгрузить вещи, семьи, выдачи или центры в CSV (формат загрузки) или JSON."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("units, families, loans or centres.", "units, families, loans или centres."))) var kind: ExportKind
    @Option(name: .long, help: ArgumentHelp(tr("Only this centre (units: home centre; loans: issuing centre).", "Только этот центр (вещи — по центру учёта, выдачи — по центру выдачи)."), valueName: "code"), transform: Check.centreCode)
    var centre: String?
    @Option(name: [.short, .long], help: ArgumentHelp(tr("Write to this file instead of standard output.", "Записать в этот файл вместо стандартного вывода."), valueName: "file"))
    var output: String?

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let data = try await global.client.export(kind, format: global.json ? .json : .csv, centre: centre)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: data) else {
                    throw RentalError(.invalidInput, "output: cannot write the file")
                }
            } else {
                Console.writeOut(data)
            }
        }
    }
}

/// `rentalctl privacy anonymise [--dry-run]`: how many families (never who).
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: tr("Personal data: anonymise families inactive for the retention period.", "Персональные данные: обезличить семьи без движения дольше срока хранения."),
        subcommands: [Anonymise.self])

    struct Anonymise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anonymise",
            abstract: tr("Anonymise families with nothing open and no activity for [privacy] anonymise_after (admin).", "Обезличить семьи без открытых выдач и без движения дольше [privacy] anonymise_after (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: ArgumentHelp(tr("Only count them.", "Только посчитать."))) var dryRun = false

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let result = try await global.client.anonymise(dryRun: dryRun)
                if global.json { return Output.json(result) }
                let families = tr("\(result.families) family(ies)",
                                  russianPlural(result.families, "семья", "семьи", "семей"))
                print(dryRun ? tr("Would be anonymised: \(families) (no activity since \(Output.date(result.inactiveBefore))).",
                                  "Будет обезличено: \(families) (без активности с \(Output.date(result.inactiveBefore))).")
                             : tr("Anonymised: \(families).", "Обезличено: \(families)."))
            }
        }
    }
}

/// `rentalctl families erase REF` and `rentalctl families export REF`.
struct FamilyErase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: tr("Erase a family's personal data on request (admin); refused while it has items on loan.", "Удалить персональные данные семьи по её запросу (администратор); нельзя, пока у семьи есть вещи."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let result = try await global.client.eraseFamily(reference)
            if global.json { return Output.json(result) }
            print(tr("Family \(result.reference): personal data erased; \(result.loansKept) loan(s) kept without it for the figures.",
                     "Семья \(result.reference): персональные данные удалены; выдачи (\(result.loansKept)) сохранены обезличенно для отчётов."))
        }
    }
}

/// `rentalctl families export REF`: everything stored about a family, as JSON (subject access).
struct FamilyExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: tr("Everything stored about a family, as JSON, to give to the family (admin).", "Всё, что хранится о семье, в JSON — для выдачи семье (администратор)."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String

    func run() async throws {
        try await perform { () async throws(RentalError) in
            Output.json(try await global.client.familyRecord(reference))
        }
    }
}
