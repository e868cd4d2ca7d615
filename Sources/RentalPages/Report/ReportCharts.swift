import Foundation
import RentalModel

/// An SVG chart as shapes for the `report-chart` template: sizes in SVG units, fills as pattern ids
/// (black-and-white hatching defined once in the page), every value also written as text.
struct ChartView {
    struct Shape { let x: String, y: String, w: String, h: String, pattern: String }
    struct Label { let x: String, y: String, anchor: String, kind: String, text: String }
    struct Line { let x1: String, y1: String, x2: String, y2: String }
    struct Key { let pattern: String, name: String }

    let title: String
    let width: Int
    let height: Int
    var rects: [Shape] = []
    var labels: [Label] = []
    var lines: [Line] = []
    var legend: [Key] = []
    /// Text in place of the chart when there is nothing to draw.
    var empty: String?

    /// The patterns, in order of use: solid, white, and hatchings that survive black-and-white print.
    static let patterns = ["solid", "white", "diagonal", "dots", "horizontal", "cross", "vertical", "grey", "backslash", "dense"]

    static func pattern(_ index: Int) -> String { patterns[index % patterns.count] }

    static func n(_ value: Double) -> String { String(format: "%.1f", value) }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ pattern: String) {
        rects.append(Shape(x: Self.n(x), y: Self.n(y), w: Self.n(max(w, 0)), h: Self.n(max(h, 0)), pattern: pattern))
    }

    mutating func label(_ x: Double, _ y: Double, _ text: String, anchor: String = "middle", kind: String = "value") {
        labels.append(Label(x: Self.n(x), y: Self.n(y), anchor: anchor, kind: kind, text: text))
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        lines.append(Line(x1: Self.n(x1), y1: Self.n(y1), x2: Self.n(x2), y2: Self.n(y2)))
    }

    /// A round step for an axis up to `value` in about four steps (1, 2 or 5 × 10ⁿ, at least 1).
    static func niceStep(_ value: Int) -> Int {
        let rough = max(1, (value + 3) / 4)
        var power = 1
        while power * 10 <= rough { power *= 10 }
        for factor in [1, 2, 5, 10] where power * factor >= rough { return power * factor }
        return power * 10
    }
}

/// The page's four charts.
enum ReportCharts {
    /// Loans started per month, one bar per centre in each month.
    static func loansByMonth(_ report: Report, _ language: ReportLanguage) -> ChartView {
        let t = language.text
        var chart = ChartView(title: t("Loans started per month, by centre", "Выдачи по месяцам и центрам"), width: 700, height: 280)
        let flows = report.loans?.byMonth ?? []
        let months = Array(Set(flows.map(\.month))).sorted()
        let centres = report.centres
        let values = Dictionary(flows.map { ("\($0.month) \($0.centre)", $0.flow.started) }, uniquingKeysWith: +)
        guard !months.isEmpty, let peak = values.values.max(), peak > 0 else {
            chart.empty = t("No loans in the period.", "За период выдач не было.")
            return chart
        }
        let (left, right, top, bottom) = (44.0, 10.0, 16.0, 40.0)
        let plotWidth = Double(chart.width) - left - right, plotHeight = Double(chart.height) - top - bottom
        let step = ChartView.niceStep(peak)
        let steps = (peak + step - 1) / step
        let axisMax = step * steps
        for index in 0...steps {
            let value = step * index
            let y = top + plotHeight - plotHeight * Double(value) / Double(axisMax)
            chart.line(left - 4, y, left + plotWidth, y)
            chart.label(left - 6, y + 3.5, language.number(value), anchor: "end", kind: "tick")
        }
        let group = plotWidth / Double(months.count)
        let bar = max(1, (group * 0.8) / Double(max(centres.count, 1)))
        for (m, month) in months.enumerated() {
            let x0 = left + group * Double(m) + group * 0.1
            for (c, centre) in centres.enumerated() {
                let value = values["\(month) \(centre.code)"] ?? 0
                let h = plotHeight * Double(value) / Double(axisMax)
                let x = x0 + bar * Double(c)
                chart.rect(x, top + plotHeight - h, bar, h, ChartView.pattern(c))
                if bar >= 12, value > 0 { chart.label(x + bar / 2, top + plotHeight - h - 3, language.number(value)) }
            }
            if months.count <= 24 || m % max(1, months.count / 12) == 0 {
                chart.label(x0 + group * 0.4, top + plotHeight + 16, language.month(month), kind: "tick")
            }
        }
        chart.legend = centres.enumerated().map { ChartView.Key(pattern: ChartView.pattern($0.offset), name: $0.element.name) }
        return chart
    }

    /// Units per centre as one bar each, in segments by status.
    static func stockByCentre(_ report: Report, _ language: ReportLanguage) -> ChartView {
        let t = language.text
        let lines = report.stock?.byStatus ?? []
        let centres = report.centres.filter { centre in lines.contains { $0.centre == centre.code } }
        var chart = ChartView(title: t("Stock by status, per centre", "Фонд по состояниям и центрам"), width: 700,
                              height: max(60, 30 + 30 * centres.count))
        let statuses = UnitStatus.allCases.filter { status in lines.contains { $0.status == status } }
        guard !centres.isEmpty else {
            chart.empty = t("No units.", "Предметов нет.")
            return chart
        }
        var counts: [String: [UnitStatus: Int]] = [:]
        for line in lines { counts[line.centre, default: [:]][line.status, default: 0] += line.units }
        let peak = counts.values.map { $0.values.reduce(0, +) }.max() ?? 1
        let (left, right) = (170.0, 50.0)
        let plotWidth = Double(chart.width) - left - right
        for (row, centre) in centres.enumerated() {
            let y = 12 + 30 * Double(row)
            chart.label(left - 8, y + 14, centre.name, anchor: "end", kind: "name")
            var x = left
            for (s, status) in statuses.enumerated() {
                let value = counts[centre.code]?[status] ?? 0
                guard value > 0 else { continue }
                let w = plotWidth * Double(value) / Double(max(peak, 1))
                chart.rect(x, y, w, 20, ChartView.pattern(s))
                if w >= 22 { chart.label(x + w / 2, y + 14, language.number(value), kind: s == 0 ? "inverse" : "boxed") }
                x += w
            }
            chart.label(x + 6, y + 14, language.number(counts[centre.code]?.values.reduce(0, +) ?? 0), anchor: "start")
        }
        chart.legend = statuses.enumerated().map { ChartView.Key(pattern: ChartView.pattern($0.offset), name: language.status($0.element)) }
        return chart
    }

    /// Utilisation per item type, 0–100 %.
    static func utilisationByType(_ report: Report, _ language: ReportLanguage) -> ChartView {
        let t = language.text
        let lines = report.utilisation?.byItemType ?? []
        var chart = ChartView(title: t("Utilisation by item type (unit-days on loan ÷ in service)",
                                       "Использование по видам предметов (дни на руках ÷ дни в работе)"),
                              width: 700, height: max(60, 40 + 26 * lines.count))
        guard !lines.isEmpty else {
            chart.empty = t("No units in service.", "Нет предметов в работе.")
            return chart
        }
        let names = Dictionary(report.itemTypes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let (left, right) = (190.0, 70.0)
        let plotWidth = Double(chart.width) - left - right
        let bottom = 12 + 26 * Double(lines.count)
        for step in 0...4 {
            let x = left + plotWidth * Double(step) / 4
            chart.line(x, 8, x, bottom)
            chart.label(x, bottom + 14, "\(step * 25)" + (language == .ru ? "\u{202F}%" : "%"), kind: "tick")
        }
        for (row, line) in lines.enumerated() {
            let y = 12 + 26 * Double(row)
            chart.label(left - 8, y + 12, names[line.itemType ?? ""] ?? line.itemType ?? "", anchor: "end", kind: "name")
            let w = plotWidth * min(line.share ?? 0, 1)
            chart.rect(left, y, w, 16, "diagonal")
            chart.label(left + w + 6, y + 12, language.percent(line.share), anchor: "start")
        }
        return chart
    }

    /// The longest waiting lists: families waiting beside units available.
    static func unmetDemand(_ report: Report, _ language: ReportLanguage) -> ChartView {
        let t = language.text
        let queues = Array((report.waiting?.queues ?? []).prefix(10))
        var chart = ChartView(title: t("Unmet demand: families waiting, by centre and item type", "Неудовлетворённый спрос: ждущие семьи по центрам и предметам"),
                              width: 700, height: max(60, 24 + 26 * queues.count))
        guard !queues.isEmpty else {
            chart.empty = t("Nobody is waiting.", "Очередей нет.")
            return chart
        }
        let centres = Dictionary(report.centres.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let names = Dictionary(report.itemTypes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let peak = queues.map { max($0.waiting, $0.available) }.max() ?? 1
        let (left, right) = (260.0, 170.0)
        let plotWidth = Double(chart.width) - left - right
        for (row, queue) in queues.enumerated() {
            let y = 10 + 26 * Double(row)
            chart.label(left - 8, y + 12, "\(centres[queue.centre] ?? queue.centre) — \(names[queue.itemType] ?? queue.itemType)",
                        anchor: "end", kind: "name")
            let waiting = plotWidth * Double(queue.waiting) / Double(max(peak, 1))
            let available = plotWidth * Double(queue.available) / Double(max(peak, 1))
            chart.rect(left, y, waiting, 10, "solid")
            chart.rect(left, y + 10, available, 6, "white")
            let families = language == .ru
                ? "ждут \(queue.waiting) \(ReportLanguage.plural(queue.waiting, "семья", "семьи", "семей")), в наличии \(queue.available)"
                : "\(queue.waiting) waiting, \(queue.available) available"
            chart.label(left + max(waiting, available) + 6, y + 12, families, anchor: "start")
        }
        chart.legend = [ChartView.Key(pattern: "solid", name: t("families waiting", "ждут семьи")),
                        ChartView.Key(pattern: "white", name: t("units available", "в наличии"))]
        return chart
    }
}
