/// What a CSV cell needs so that a spreadsheet shows it as text and never runs it as a formula
/// (OWASP "CSV injection"): a free-text value typed at the desk — a name, an address, a note — could start
/// with `=`, `+`, `-` or `@` and make Excel or LibreOffice call a function (`=HYPERLINK(…)`) on the
/// machine of whoever opens the export.
package enum SpreadsheetCell {
    /// Characters that make a spreadsheet read a cell as a formula.
    private static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// `value` with an apostrophe in front when a spreadsheet would take it for a formula. A number or a
    /// phone (`+7 (900) 123-45-67`, `-5`) is left as it is: it names no function. A value that begins with
    /// an apostrophe ``restored(_:)`` would take off gets one more, so that `restored(neutralised(v)) == v`.
    package static func neutralised(_ value: String) -> String {
        guard let first = value.first else { return value }
        if first == "=" || first == "@" || first == "\t" || first == "\r" { return "'" + value }
        if first == "+" || first == "-" {
            let numeric = value.allSatisfy { $0.isASCII && ($0.isNumber || " +-().,".contains($0)) }
            return numeric ? value : "'" + value
        }
        if first == "'", let second = value.dropFirst().first, formulaStarts.contains(second) || second == "'" {
            return "'" + value
        }
        return value
    }

    /// A cell read back from a file this program wrote: the apostrophe ``neutralised(_:)`` put in front
    /// taken off. Other cells are as they are.
    package static func restored(_ cell: String) -> String {
        guard cell.first == "'", let second = cell.dropFirst().first,
              formulaStarts.contains(second) || second == "'" else { return cell }
        return String(cell.dropFirst())
    }
}
