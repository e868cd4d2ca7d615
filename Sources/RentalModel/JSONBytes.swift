/// JSON written by hand, for the values written most (a loan in every answer about one, an audit event's
/// details in every write): byte for byte what Foundation's `JSONEncoder` writes with sorted keys, without
/// the generic `Encodable` machinery, which costs several times more than the query behind a loan. The
/// callers write keys in byte order themselves; tests compare both encoders on the same values.
/// Kept over the library because of the measured gap: `rental-bench run --only json` encodes a page of
/// 1,000 loans both ways — 1.5 ms here against 9.5 ms for `JSONEncoder` (6.3×; BENCHMARKS.md).
public struct JSONBytes: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether `/` is written as `\/` (`JSONEncoder` without `.withoutEscapingSlashes`).
    public let escapingSlashes: Bool

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 512, escapingSlashes: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.escapingSlashes = escapingSlashes
    }

    /// `{"key":"value",…}` with the keys in byte order, as `JSONEncoder` with `.sortedKeys` writes a
    /// `[String: String]`.
    public static func object(_ dictionary: [String: String], escapingSlashes: Bool) -> [UInt8] {
        var json = JSONBytes(capacity: 64 + dictionary.count * 32, escapingSlashes: escapingSlashes)
        json.raw("{")
        for (index, pair) in dictionary.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { json.raw(",") }
            json.string(pair.key)
            json.raw(":")
            json.string(pair.value)
        }
        json.raw("}")
        return json.bytes
    }

    /// Appends ASCII punctuation or a literal.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `"name":`, preceded by a comma unless `first`.
    public mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Makes room for `count` more bytes.
    public mutating func reserve(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Appends a quoted, escaped string: runs that need no escape are copied whole.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                        || (byte == UInt8(ascii: "/") && escapingSlashes) else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escape sequence `JSONEncoder` writes for `byte`.
    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw(#"\""#)
        case UInt8(ascii: "\\"): raw(#"\\"#)
        case UInt8(ascii: "/"): raw(#"\/"#)
        case UInt8(ascii: "\n"): raw(#"\n"#)
        case UInt8(ascii: "\r"): raw(#"\r"#)
        case UInt8(ascii: "\t"): raw(#"\t"#)
        case 0x08: raw(#"\b"#)
        case 0x0C: raw(#"\f"#)
        default:
            raw(#"\u00"#)
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends a whole number.
    public mutating func integer(_ value: some BinaryInteger) {
        guard value != 0 else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var divisor: UInt64 = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// Appends `true` or `false`.
    public mutating func boolean(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// Appends a date as `"YYYY-MM-DD"`.
    public mutating func date(_ value: LocalDate) {
        guard (0...9999).contains(value.year) else {
            string(value.description)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        digits(value.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(value.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(value.day, 2)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` as `width` decimal digits (zero-padded; the caller keeps it in range).
    public mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
