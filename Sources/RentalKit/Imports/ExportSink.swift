import Foundation
import GRDB

/// Where an export's bytes go: gathered into pieces of about `chunkBytes` and handed to `write` as each fills,
/// so that no register is ever held whole.
struct ExportSink {
    private let chunkBytes: Int
    private let write: @Sendable (Data) throws -> Void
    private var buffer = Data()

    init(chunkBytes: Int, write: @escaping @Sendable (Data) throws -> Void) {
        self.chunkBytes = max(1, chunkBytes)
        self.write = write
    }

    mutating func append(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkBytes { try flush() }
    }

    /// Hands over what is gathered, if anything.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try write(buffer)
        buffer = Data()
    }

    /// A CSV header as Excel in a Russian locale writes it (after UTF-8's byte-order mark), handed over at once.
    mutating func csvHeader(_ fields: [String]) throws {
        try append([0xEF, 0xBB, 0xBF])
        try csvRow(fields)
        try flush()
    }

    /// A CSV row: `;` between fields, CRLF after, a field quoted when it holds `;`, `,`, `"`, a line break or
    /// spaces at either end, and an apostrophe before one a spreadsheet would run as a formula
    /// (``SpreadsheetCell``; the importer takes it off again).
    mutating func csvRow(_ fields: [String]) throws {
        var line = ""
        for (index, cell) in fields.enumerated() {
            let field = SpreadsheetCell.neutralised(cell)
            if index > 0 { line += ";" }
            let quote = field.contains { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "," }
                || field.first?.isWhitespace == true || field.last?.isWhitespace == true
            line += quote ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        try append((line + "\r\n").utf8)
    }

    /// A JSON array of `elements`, each encoded as ``RentalStore/export(_:format:centre:by:)`` always has
    /// (sorted keys, ISO 8601 dates), one element at a time.
    mutating func jsonArray<Element: Encodable>(_ elements: some Cursor<Element>) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try append("[".utf8)
        var first = true
        while let element = try elements.next() {
            if !first { try append(",".utf8) }
            first = false
            try append(try encoder.encode(element))
        }
        try append("]".utf8)
    }
}
