import Foundation
import RentalModel

/// One value of a report table, typed so that each output formats it its own way.
public enum ReportCell: Sendable, Hashable {
    /// Text.
    case text(String)
    /// A count.
    case count(Int)
    /// A share 0…1 (shown as a percentage), or none.
    case share(Double?)
    /// A number of days (a median may be a half), or none.
    case days(Double?)
    /// A local date.
    case date(LocalDate)
    /// A month, `YYYY-MM`.
    case month(String)
    /// An amount in kopecks, or none.
    case money(Int?)
}

/// A report section as a table: what CSV files and the page's tables are made of.
public struct ReportTable: Sendable, Hashable {
    /// Stable name (`loans-by-centre-and-type`, …).
    public var name: String
    /// Title in the report's language.
    public var title: String
    /// Column headings in the report's language.
    public var columns: [String]
    /// Rows, each as long as `columns`.
    public var rows: [[ReportCell]]
}

extension Report {
    /// The report's sections as tables, in `language`: the figures of each section, then its breakdowns.
    public func tables(_ language: ReportLanguage) -> [ReportTable] {
        let t = language.text
        let figure = t("Figure", "Показатель"), value = t("Value", "Значение")
        let centre = t("Centre", "Центр"), type = t("Item type", "Вид предмета")
        let names = Dictionary(centres.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let typeNames = Dictionary(itemTypes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        func c(_ code: String) -> ReportCell { .text(names[code] ?? code) }
        func it(_ code: String) -> ReportCell { .text(typeNames[code] ?? code) }
        let flowColumns = [t("Started", "Выдано"), t("Returned", "Возвращено"), t("Renewed", "Продлено"), t("Lost", "Утеряно")]
        func flow(_ f: LoanFlow) -> [ReportCell] { [.count(f.started), .count(f.returned), .count(f.renewed), .count(f.lost)] }
        var tables: [ReportTable] = []
        if let families {
            tables.append(ReportTable(name: "families", title: t("Families and children", "Семьи и дети"), columns: [figure, value], rows: [
                [.text(t("Families served", "Семей обслужено")), .count(families.served)],
                [.text(t("Children in them", "Детей в них")), .count(families.children)],
                [.text(t("Children under one at the loan's start", "Из них до года на дату выдачи")), .count(families.childrenUnderOne)],
                [.text(t("New families (first loan)", "Новых семей (первая выдача)")), .count(families.newFamilies)],
            ]))
            tables.append(ReportTable(name: "families-by-centre", title: t("Families served by centre", "Семьи по центрам"),
                                      columns: [centre, t("Families", "Семей")],
                                      rows: families.byCentre.map { [c($0.centre), .count($0.count)] }))
        }
        if let loans {
            tables.append(ReportTable(name: "loans", title: t("Loans", "Выдачи"), columns: [figure, value], rows: [
                [.text(flowColumns[0]), .count(loans.total.started)], [.text(flowColumns[1]), .count(loans.total.returned)],
                [.text(flowColumns[2]), .count(loans.total.renewed)], [.text(flowColumns[3]), .count(loans.total.lost)],
            ]))
            tables.append(ReportTable(name: "loans-by-centre-and-type", title: t("Loans by centre and item type", "Выдачи по центрам и видам предметов"),
                                      columns: [centre, type] + flowColumns,
                                      rows: loans.byCentreAndType.map { [c($0.centre), it($0.itemType)] + flow($0.flow) }))
            tables.append(ReportTable(name: "loans-by-month", title: t("Loans by month", "Выдачи по месяцам"),
                                      columns: [t("Month", "Месяц"), centre] + flowColumns,
                                      rows: loans.byMonth.map { [.month($0.month), c($0.centre)] + flow($0.flow) }))
        }
        if let utilisation {
            let columns = [centre, type, t("Unit-days in service", "Единице-дней в работе"),
                           t("Unit-days on loan", "Единице-дней на руках"), t("Utilisation, %", "Использование, %")]
            func line(_ l: UtilisationLine) -> [ReportCell] {
                [l.centre.map(c) ?? .text(t("all", "все")), l.itemType.map(it) ?? .text(t("all", "все")),
                 .count(l.unitDaysInService), .count(l.unitDaysOnLoan), .share(l.share)]
            }
            tables.append(ReportTable(name: "utilisation", title: t("Utilisation", "Использование фонда"), columns: columns,
                                      rows: utilisation.byCentreAndType.map(line) + utilisation.byItemType.map(line) + [line(utilisation.total)]))
        }
        if let overdue {
            tables.append(ReportTable(name: "overdue", title: t("Overdue loans", "Просрочки"), columns: [figure, value], rows: [
                [.text(t("Loans that became overdue", "Стали просроченными")), .count(overdue.becameOverdue)],
                [.text(t("Loans returned", "Возвращено")), .count(overdue.returned)],
                [.text(t("Of them returned late", "Из них с опозданием")), .count(overdue.returnedLate)],
                [.text(t("Share returned late, %", "Доля возвращённых с опозданием, %")), .share(overdue.lateShare)],
                [.text(t("Median days late", "Медиана дней опоздания")), .days(overdue.medianDaysLate)],
                [.text(t("Open overdue loans now", "Просрочено сейчас")), .count(overdue.openOverdueNow)],
            ]))
        }
        if let waiting {
            var rows: [[ReportCell]] = [
                [.text(t("Reservations placed", "Заявок подано")), .count(waiting.placed)],
                [.text(t("Fulfilled", "Выполнено")), .count(waiting.fulfilled)],
            ]
            if let expired = waiting.expired { rows.append([.text(t("Expired", "Истекло")), .count(expired)]) }
            rows.append([.text(t("Cancelled", "Отменено")), .count(waiting.cancelled)])
            rows.append([.text(t("Median days to pickup", "Медиана дней ожидания")), .days(waiting.medianDaysToPickup)])
            tables.append(ReportTable(name: "waiting", title: t("Waiting lists", "Очереди"), columns: [figure, value], rows: rows))
            tables.append(ReportTable(name: "queues", title: t("Unmet demand now", "Неудовлетворённый спрос сейчас"),
                                      columns: [centre, type, t("Waiting", "Ждут"), t("Available", "В наличии"), t("Waiting since", "Ждут с")],
                                      rows: waiting.queues.map { [c($0.centre), it($0.itemType), .count($0.waiting), .count($0.available), .date($0.oldestSince)] }))
        }
        if let stock {
            tables.append(ReportTable(name: "stock", title: t("Stock now", "Фонд сейчас"),
                                      columns: [centre, t("Status", "Состояние"), t("Condition", "Сохранность"), t("Units", "Единиц")],
                                      rows: stock.byStatus.map { [c($0.centre), .text(language.status($0.status)),
                                                                  .text(language.condition($0.condition)), .count($0.units)] }))
            tables.append(ReportTable(name: "never-lent", title: t("Units never lent", "Ни разу не выдавались"),
                                      columns: [centre, t("Units", "Единиц")], rows: stock.neverLent.map { [c($0.centre), .count($0.count)] }))
            tables.append(ReportTable(name: "left-service", title: t("Units lost or retired in the period", "Утеряно и списано за период"),
                                      columns: [t("Inventory number", "Инвентарный номер"), type, centre, t("Status", "Состояние"),
                                                t("Date", "Дата"), t("Cost", "Стоимость"), t("Funding source", "Источник финансирования")],
                                      rows: stock.leftService.map { [.text($0.inventoryNumber), it($0.itemType), c($0.centre),
                                                                     .text(language.status($0.status)), .date($0.on), .money($0.costMinor),
                                                                     .text($0.fundingSource ?? "")] }))
            tables.append(ReportTable(name: "left-service-by-funding", title: t("Lost or retired by funding source", "Утеряно и списано по источникам"),
                                      columns: [t("Funding source", "Источник финансирования"), t("Units", "Единиц"), t("Cost", "Стоимость")],
                                      rows: stock.leftServiceByFunding.map { [.text($0.fundingSource ?? t("not recorded", "не указан")),
                                                                              .count($0.units), .money($0.costMinor)] }))
        }
        if let popular {
            tables.append(ReportTable(name: "popular", title: t("Most borrowed item types", "Самые востребованные предметы"),
                                      columns: [type, t("Loans", "Выдач"), t("Families", "Семей")],
                                      rows: popular.map { [it($0.itemType), .count($0.loans), .count($0.families)] }))
        }
        return tables
    }
}
