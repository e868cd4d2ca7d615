import Foundation
import Mustache
import RentalModel

/// A report as one self-contained HTML page: no scripts, no external assets, inline SVG charts filled
/// with black-and-white patterns and labelled with their values, print CSS for A4. Rendered from the
/// Mustache templates `report-page` and `report-chart` (resources under `Templates/`).
public enum ReportPage {
    /// Failures to load the templates (a broken installation).
    public struct TemplateMissing: Error, CustomStringConvertible {
        /// The template's name.
        public let name: String
        /// What went wrong.
        public var description: String { "the report template \(name) is missing or does not parse" }
    }

    /// The page for `report` (best with a ``ReportName/summary``), headings in `language`.
    public static func html(_ report: Report, language: ReportLanguage) throws -> String {
        let library = try library()
        let context = PageContext(report, language)
        guard let page = library.render(context, withTemplate: "report-page") else { throw TemplateMissing(name: "report-page") }
        return page
    }

    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for name in ["report-page", "report-chart"] {
            guard let directory = ReportTemplates.directory,
                  let text = try? String(contentsOf: directory.appendingPathComponent(name + ".mustache"), encoding: .utf8)
            else { throw TemplateMissing(name: name) }
            do { try library.register(text, named: name) } catch { throw TemplateMissing(name: name) }
        }
        return library
    }
}

/// Where the report's templates are (``ShippedTemplates``).
enum ReportTemplates {
    static let directory: URL? = ShippedTemplates.directory(holding: "report-page.mustache").map { URL(fileURLWithPath: $0) }
}

/// What the page template reads.
struct PageContext {
    struct Figure { let label: String, value: String }
    struct Table { let title: String, columns: [String], rows: [Row], empty: String? }
    struct Row { let cells: [Cell] }
    struct Cell { let text: String, numeric: Bool }

    let lang: String
    let title: String
    let subtitle: String
    let headlineTitle: String
    let headline: [Figure]
    let chartsTitle: String
    let charts: [ChartView]
    let tablesTitle: String
    let tables: [Table]
    let footer: String

    init(_ report: Report, _ language: ReportLanguage) {
        let t = language.text
        lang = language.rawValue
        title = t("Social rental points: report", "Пункты социального проката: отчёт")
        var scope = [t("Period", "Период") + ": " + language.date(report.query.from) + " — " + language.date(report.query.to)]
        scope.append(report.query.centre == nil
                     ? t("all centres", "все центры") + " (\(report.centres.count))"
                     : t("centre", "центр") + ": " + report.centres.map(\.name).joined(separator: ", "))
        if let category = report.query.category { scope.append(t("category", "категория") + ": " + language.category(category)) }
        if report.query.itemType != nil { scope.append(t("item type", "вид предмета") + ": " + report.itemTypes.map(\.name).joined(separator: ", ")) }
        subtitle = scope.joined(separator: " · ")
        headlineTitle = t("Headline figures", "Главные показатели")
        var figures: [Figure] = []
        func add(_ english: String, _ russian: String, _ value: String) { figures.append(Figure(label: t(english, russian), value: value)) }
        if let f = report.families {
            add("Families served", "Семей обслужено", language.number(f.served))
            add("Children in them", "Детей в них", language.number(f.children))
            add("of them under one year", "из них до года", language.number(f.childrenUnderOne))
            add("New families", "Новых семей", language.number(f.newFamilies))
        }
        if let l = report.loans {
            add("Loans started", "Выдано", language.number(l.total.started))
            add("Returned", "Возвращено", language.number(l.total.returned))
            add("Renewed", "Продлено", language.number(l.total.renewed))
            add("Lost", "Утеряно", language.number(l.total.lost))
        }
        if let u = report.utilisation { add("Utilisation", "Использование фонда", language.percent(u.total.share)) }
        if let o = report.overdue {
            add("Became overdue", "Стали просроченными", language.number(o.becameOverdue))
            add("Returned late", "Возвращено с опозданием", language.percent(o.lateShare))
            add("Median days late", "Медиана опоздания, дней", o.medianDaysLate.map { language.decimal($0) } ?? "—")
            add("Overdue now", "Просрочено сейчас", language.number(o.openOverdueNow))
        }
        if let w = report.waiting {
            add("Reservations placed", "Заявок в очередь", language.number(w.placed))
            add("Families waiting now", "Ждут сейчас", language.number(w.queues.reduce(0) { $0 + $1.waiting }))
        }
        if let s = report.stock {
            add("Units in stock", "Предметов в фонде",
                language.number(s.byStatus.filter { $0.status != .lost && $0.status != .retired }.reduce(0) { $0 + $1.units }))
            add("Never lent", "Ни разу не выдавались", language.number(s.neverLent.reduce(0) { $0 + $1.count }))
            add("Lost or retired in the period", "Утеряно и списано за период",
                language.number(s.leftService.count) + " (" + language.money(s.leftServiceByFunding.reduce(0) { $0 + $1.costMinor }) + ")")
        }
        headline = figures
        chartsTitle = t("Charts", "Графики")
        var charts: [ChartView] = []
        if report.loans != nil { charts.append(ReportCharts.loansByMonth(report, language)) }
        if report.stock != nil { charts.append(ReportCharts.stockByCentre(report, language)) }
        if report.utilisation != nil { charts.append(ReportCharts.utilisationByType(report, language)) }
        if report.waiting != nil { charts.append(ReportCharts.unmetDemand(report, language)) }
        self.charts = charts
        tablesTitle = t("Tables", "Таблицы")
        tables = report.tables(language).filter { $0.columns.count > 2 }.map { table in
            Table(title: table.title, columns: table.columns,
                  rows: table.rows.map { Row(cells: $0.map { Cell(text: Self.text($0, language), numeric: Self.isNumber($0)) }) },
                  empty: table.rows.isEmpty ? t("None.", "Нет.") : nil)
        }
        let asOf = LocalDate(report.asOf, in: ZoneRules.utc)
        footer = t("Counted from loans, units and reservations (no personal data); each centre's days in its own time zone. Stock and overdue figures as of ",
                   "Посчитано по выдачам, предметам и заявкам (без персональных данных); дни каждого центра — по его часовому поясу. Фонд и просрочки — на ")
            + language.date(asOf) + "."
    }

    static func isNumber(_ cell: ReportCell) -> Bool {
        switch cell {
        case .count, .share, .days, .money: true
        case .text, .date, .month: false
        }
    }

    static func text(_ cell: ReportCell, _ language: ReportLanguage) -> String {
        switch cell {
        case .text(let text): text
        case .count(let value): language.number(value)
        case .share(let share): language.percent(share)
        case .days(let days): days.map { language.decimal($0) } ?? "—"
        case .date(let date): language.date(date)
        case .month(let month): language.month(month)
        case .money(let minor): minor.map { language.money($0) } ?? "—"
        }
    }
}
