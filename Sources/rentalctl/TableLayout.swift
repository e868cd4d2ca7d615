/// How wide text is on a terminal, in columns: most characters one, East Asian wide ones and emoji two,
/// control characters and ANSI colour codes none.
enum TextWidth {
    /// The display width of `text`.
    static func of(_ text: String) -> Int {
        var width = 0
        var escape = false
        for character in text {
            if escape {
                // An SGR sequence ends with a letter: ESC [ 1 m.
                if character.isLetter { escape = false }
                continue
            }
            if character == "\u{1B}" {
                escape = true
                continue
            }
            width += of(character)
        }
        return width
    }

    /// The display width of one character (a grapheme: combining marks add nothing).
    static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) || value == 0x200B { return 0 }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                                           0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                                           0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }
}

/// A table laid out to fit a width: columns padded by display width, two spaces between them; when the
/// natural widths do not fit, the widest column is narrowed a column at a time (not below its heading's
/// longest word) and its cells wrap at spaces, a word longer than the column being cut.
struct TableLayout {
    let headings: [String]
    let rows: [[String]]
    let width: Int

    /// The lines to print: the heading (through `bold`), then each row, a wrapped row on several lines.
    func lines(bold: (String) -> String) -> [String] {
        let columns = headings.count
        let cells = rows.map { row in (0..<columns).map { $0 < row.count ? row[$0] : "" } }
        var widths = (0..<columns).map { column in
            ([headings[column]] + cells.map { $0[column] }).map(TextWidth.of).max() ?? 0
        }
        // The last column is not padded, but it still has to fit. Columns are narrowed first down to their
        // longest word (cells wrap at spaces), and only then, if the table is still too wide, down to their
        // heading's longest word (a word is cut, with a hyphen).
        let headingFloors = (0..<columns).map { column in
            max(4, TableLayout.words(headings[column]).map(TextWidth.of).max() ?? 0)
        }
        let wordFloors = (0..<columns).map { column in
            max(headingFloors[column], cells.flatMap { TableLayout.words($0[column]) }.map(TextWidth.of).max() ?? 0)
        }
        let gaps = 2 * max(0, columns - 1)
        for floors in [wordFloors, headingFloors] {
            while widths.reduce(0, +) + gaps > width {
                // Narrow the widest column that can still be narrowed.
                guard let column = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] }) else { break }
                widths[column] -= 1
            }
        }
        var output = render([headings], widths: widths).map(bold)
        for row in cells { output += render([row], widths: widths) }
        return output
    }

    /// One row as lines: each cell wrapped to its column, the row as tall as its tallest cell.
    private func render(_ rows: [[String]], widths: [Int]) -> [String] {
        rows.flatMap { row -> [String] in
            let wrapped = row.enumerated().map { index, cell in TableLayout.wrap(cell, width: widths[index]) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { line in
                var text = ""
                for (index, parts) in wrapped.enumerated() {
                    let part = line < parts.count ? parts[line] : ""
                    if index == wrapped.count - 1 {
                        text += part
                    } else {
                        text += part + String(repeating: " ", count: max(0, widths[index] - TextWidth.of(part))) + "  "
                    }
                }
                // Trailing spaces left by empty last cells of a continuation line.
                while text.hasSuffix(" ") { text.removeLast() }
                return text
            }
        }
    }

    /// The pieces a cell may break into: at spaces, except after a comma (`24.11.2026, вт` stays whole).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character == " ", !current.isEmpty, current.last != "," {
                words.append(current)
                current = ""
            } else if character != " " || !current.isEmpty {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `text` in lines at most `width` columns wide, broken at spaces, a longer word cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard TextWidth.of(text) > width, width > 0 else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in words(text) {
            var word = word
            let candidate = current.isEmpty ? word : current + " " + word
            if TextWidth.of(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            while TextWidth.of(word) > width {
                // A cut word ends its line with a hyphen.
                let room = width > 2 ? width - 1 : width
                var head = ""
                var rest = Substring(word)
                while let next = rest.first, TextWidth.of(head + String(next)) <= room {
                    head.append(next)
                    rest = rest.dropFirst()
                }
                if head.isEmpty { break }
                lines.append(room < width ? head + "-" : head)
                word = String(rest)
            }
            current = word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }
}
