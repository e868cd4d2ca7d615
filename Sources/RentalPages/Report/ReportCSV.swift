import CSV
import Foundation
import RentalModel

/// How a CSV file is written.
public enum ReportCSVDialect: String, Sendable, CaseIterable {
    /// What a Russian Excel opens with a double click: UTF-8 with a byte-order mark, `;` between fields,
    /// decimal comma, dates `dd.mm.yyyy`.
    case excel
    /// RFC 4180: UTF-8 without a byte-order mark, `,` between fields, decimal point, ISO dates.
    case rfc4180
}

/// A report as CSV: each table under a title row, tables separated by an empty row; CRLF line ends.
/// Written by CSV.swift's `CSVWriter` (quoting fields that hold the separator, quotes or line breaks); text
/// that a spreadsheet would run as a formula gets an apostrophe in front (``SpreadsheetCell``).
public enum ReportCSV {
    /// The CSV text of `report`'s tables, in `language`, in `dialect`.
    public static func csv(_ report: Report, language: ReportLanguage, dialect: ReportCSVDialect) throws -> Data {
        let stream = OutputStream.toMemory()
        stream.open()
        if dialect == .excel {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            _ = stream.write(bom, maxLength: bom.count)
        }
        let writer = try CSVWriter(stream: stream, delimiter: dialect == .excel ? ";" : ",", newline: .crlf)
        for (index, table) in report.tables(language).enumerated() {
            if index > 0 { try writer.write(row: [""]) }
            try writer.write(row: [SpreadsheetCell.neutralised(table.title)])
            try writer.write(row: table.columns.map(SpreadsheetCell.neutralised))
            for row in table.rows {
                try writer.write(row: row.map { format($0, dialect) })
            }
        }
        stream.close()
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        data.append(contentsOf: Array("\r\n".utf8))
        return data
    }

    /// One cell: numbers without grouping (a spreadsheet reads them as numbers), shares as percentages.
    static func format(_ cell: ReportCell, _ dialect: ReportCSVDialect) -> String {
        let comma = dialect == .excel
        func decimal(_ value: Double, _ digits: Int) -> String {
            let text = String(format: "%.\(digits)f", value)
            return comma ? text.replacingOccurrences(of: ".", with: ",") : text
        }
        switch cell {
        case .text(let text): return SpreadsheetCell.neutralised(text)
        case .count(let value): return String(value)
        case .share(let share): return share.map { decimal($0 * 100, 1) } ?? ""
        case .days(let days): return days.map { $0 == $0.rounded() ? String(Int($0)) : decimal($0, 1) } ?? ""
        case .date(let date): return comma ? String(format: "%02d.%02d.%04d", date.day, date.month, date.year) : date.description
        case .month(let month):
            // A Russian Excel reads "01.10.2026" as a date; "2026-10" stays as it is elsewhere.
            guard comma else { return month }
            let parts = month.split(separator: "-")
            return parts.count == 2 ? "01.\(parts[1]).\(parts[0])" : month
        case .money(let minor): return minor.map { decimal(Double($0) / 100, 2) } ?? ""
        }
    }
}
