import CSV
import Foundation

/// Where the bytes of a CSV file come from. Either is read twice (check, then write), as a stream.
public enum CSVSource: Sendable {
    /// A file on disk.
    case file(URL)
    /// Bytes in memory (a request body).
    case bytes(Data)

    func stream() -> InputStream? {
        switch self {
        case .file(let url): InputStream(url: url)
        case .bytes(let data): InputStream(data: data)
        }
    }

    /// Up to `count` bytes from the start.
    func prefix(_ count: Int) -> [UInt8] {
        switch self {
        case .bytes(let data): return [UInt8](data.prefix(count))
        case .file(let url):
            guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
            defer { try? handle.close() }
            return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
        }
    }

    /// The last byte, nil for an empty (or unreadable) file.
    func lastByte() -> UInt8? {
        switch self {
        case .bytes(let data): return data.last
        case .file(let url):
            guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
            defer { try? handle.close() }
            guard let end = try? handle.seekToEnd(), end > 0 else { return nil }
            try? handle.seek(toOffset: end - 1)
            return (try? handle.read(upToCount: 1))?.first
        }
    }
}

/// How a CSV file is written: its encoding and its field separator, detected from its first 64 KiB.
struct CSVLayout {
    var encoding: ImportEncoding
    var separator: UnicodeScalar

    /// A UTF-8 byte-order mark or valid UTF-8 means UTF-8, anything else Windows-1251 (unless `encoding`
    /// says); the separator is `;` when the first line has more of them than of `,`.
    static func detect(_ source: CSVSource, encoding: ImportEncoding?) -> CSVLayout {
        let head = source.prefix(65_536)
        let detected = encoding ?? (isUTF8(head, complete: head.count < 65_536) ? .utf8 : .windows1251)
        let firstLine = head.prefix { $0 != 0x0A }
        let semicolons = firstLine.count { $0 == UInt8(ascii: ";") }
        let commas = firstLine.count { $0 == UInt8(ascii: ",") }
        return CSVLayout(encoding: detected, separator: semicolons >= commas && semicolons > 0 ? ";" : ",")
    }

    /// Whether `bytes` is UTF-8 (a sequence cut by the end of an incomplete read is allowed).
    private static func isUTF8(_ bytes: [UInt8], complete: Bool) -> Bool {
        let cut = complete ? 0 : 3
        for drop in 0...cut where bytes.count >= drop {
            if String(validating: bytes.dropLast(drop), as: UTF8.self) != nil { return true }
        }
        return false
    }
}

/// One pass over a CSV file: the header, then each data row with the line it starts on (quoted fields may
/// span lines). Streams: one row in memory at a time.
final class CSVRows {
    private let reader: CSVReader
    /// The header's fields (empty for an empty file).
    let header: [String]
    private var nextLine: Int

    init(_ source: CSVSource, layout: CSVLayout) throws(RentalError) {
        guard let stream = source.stream() else { throw RentalError.invalid("file", "cannot be read") }
        do {
            reader = switch layout.encoding {
            case .utf8: try CSVReader(stream: stream, codecType: UTF8.self, delimiter: layout.separator)
            case .windows1251: try CSVReader(stream: stream, codecType: Windows1251.self, delimiter: layout.separator)
            }
        } catch {
            throw RentalError.invalid("file", "cannot be read as CSV")
        }
        let first = reader.next() ?? []
        header = first.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        nextLine = 2 + Self.breaks(first)
    }

    /// The next row that is not empty, with its line number; nil at the end.
    func next() -> (line: Int, fields: [String])? {
        while let fields = reader.next() {
            let line = nextLine
            nextLine += 1 + Self.breaks(fields)
            if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            return (line, fields)
        }
        return nil
    }

    /// The line after the last one read.
    var endLine: Int { nextLine }

    /// Whether the file could not be decoded in its encoding (reading stopped there). CSV.swift's reader
    /// also records `cannotReadFile` at the end of every stream; that one is not a failure.
    var failedToDecode: Bool {
        switch reader.error as? CSVError {
        case .unicodeDecoding?, .streamErrorHasOccurred?: true
        default: false
        }
    }

    private static func breaks(_ fields: [String]) -> Int {
        fields.reduce(0) { $0 + $1.utf8.count { $0 == 0x0A } }
    }
}
