/// JSON written by hand, for the values written most (a loan in every answer about one, an audit event's
/// details in every write): byte for byte what Foundation's `JSONEncoder` writes with sorted keys, without
/// the generic `Encodable` machinery, which costs several times more than the query behind a loan. The
/// callers write keys in byte order themselves; tests compare both encoders on the same values.
/// Kept over the library because of the measured gap: `rental-bench run --only json` encodes a page of
/// 1,000 loans both ways (BENCHMARKS.md): 0.4–0.6 ms here against 7–10 ms for `JSONEncoder`.
///
/// The bytes live in one buffer this value owns (it cannot be copied, only moved or borrowed), written
/// through a pointer after one capacity check per value: appending to a `[UInt8]` byte by byte checked
/// capacity and uniqueness on every byte, and took 1.0 ms on that page.
public struct JSONBytes: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written.
    public private(set) var count = 0
    /// Whether `/` is written as `\/` (`JSONEncoder` without `.withoutEscapingSlashes`).
    public let escapingSlashes: Bool

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 512, escapingSlashes: Bool = false) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
        self.escapingSlashes = escapingSlashes
    }

    deinit { base.deallocate() }

    /// The JSON written so far, copied out.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Calls `body` with the JSON written so far, without copying it.
    public func withBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
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

    /// Makes room for `count` more bytes.
    public mutating func reserve(_ count: Int) {
        if self.count + count > capacity { grow(to: self.count + count) }
    }

    /// Room for `count` more bytes, returned as where they go; the caller writes them and adds `count`.
    mutating func room(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(count)
        return base + self.count
    }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    private mutating func append(_ byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(room(bytes.count)).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends ASCII punctuation or a literal.
    public mutating func raw(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `"name":`, preceded by a comma unless `first`.
    public mutating func key(_ name: StaticString, first: Bool = false) {
        let length = name.utf8CodeUnitCount
        var out = room(length + 4)
        if !first {
            out.pointee = UInt8(ascii: ",")
            out += 1
        }
        out[0] = UInt8(ascii: "\"")
        (out + 1).update(from: name.utf8Start, count: length)
        out[length + 1] = UInt8(ascii: "\"")
        out[length + 2] = UInt8(ascii: ":")
        count += length + (first ? 3 : 4)
    }

    /// Appends a quoted, escaped string.
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { quoted(UnsafeRawBufferPointer($0)) }  // a String's bytes are valid UTF-8
    }

    /// Appends UTF-8 text (a column read in place) quoted and escaped, exactly as ``string(_:)`` writes
    /// `String(decoding: text, as: UTF8.self)`: bytes that are not valid UTF-8 (a store file changed by other
    /// means than rentald) become U+FFFD as in that string, so the JSON stays valid. Text that needs no
    /// escape is copied whole; only text with bytes outside ASCII is checked.
    public mutating func string(utf8 text: UnsafeRawBufferPointer) {
        var run = plainRun(upTo: text.count + 2)
        if run.string(utf8: text) {
            commit(run)
        } else if Self.isValidUTF8(text) {
            quoted(text)
        } else {
            string(String(decoding: text, as: UTF8.self))
        }
    }

    /// Writes valid UTF-8 `text` quoted and escaped.
    private mutating func quoted(_ text: UnsafeRawBufferPointer) {
        let out = room(text.count + 2)
        out.pointee = UInt8(ascii: "\"")
        var index = 0
        while index < text.count, !needsEscape(text[index]) {
            out[1 + index] = text[index]
            index += 1
        }
        count += 1 + index
        for byte in text[index...] {
            if needsEscape(byte) { escape(byte) } else { append(byte) }
        }
        append(UInt8(ascii: "\""))
    }

    /// Whether `bytes` are well-formed UTF-8 (the Unicode Standard's table 3-7: no overlong forms, no
    /// surrogates, nothing past U+10FFFF, no sequence cut short).
    package static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; second = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; second = 0x80...0x9F
            case 0xF0: length = 4; second = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; second = 0x80...0x8F
            default: return false
            }
            guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return false }
            for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return false }
            index += length
        }
        return true
    }

    private func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (byte == UInt8(ascii: "/") && escapingSlashes)
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
            append(Self.hexDigits[Int(byte >> 4)])
            append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends a whole number.
    public mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    /// Appends a whole number.
    public mutating func integer(_ value: Int64) {
        var run = plainRun(upTo: 20)
        run.integer(value)
        commit(run)
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
        let out = room(12)
        out[0] = UInt8(ascii: "\"")
        Self.put(value, at: out + 1)
        out[11] = UInt8(ascii: "\"")
        count += 12
    }

    /// Writes `YYYY-MM-DD` (10 bytes) at `out`; the caller keeps the year within 0–9999.
    public static func put(_ date: LocalDate, at out: UnsafeMutablePointer<UInt8>) {
        put(date.year, 4, at: out)
        out[4] = UInt8(ascii: "-")
        put(date.month, 2, at: out + 5)
        out[7] = UInt8(ascii: "-")
        put(date.day, 2, at: out + 8)
    }

    /// Appends a date stored as `YYYY-MM-DD` text (a column read in place), quoted, when it names a real day
    /// (the bytes ``date(_:)`` writes for it) and returns true; writes nothing and returns false for any other
    /// text, which the caller parses and writes with ``date(_:)``.
    public mutating func plainDate(utf8 text: UnsafeRawBufferPointer) -> Bool {
        var run = plainRun(upTo: 12)
        guard run.date(utf8: text) else { return false }
        commit(run)
        return true
    }

    /// Counts `count` bytes written into room reserved with ``room(_:)``.
    mutating func advance(_ count: Int) {
        precondition(count >= 0 && self.count + count <= capacity, "JSONBytes: more bytes counted than reserved")
        self.count += count
    }

    /// Writes the last `width` decimal digits of `value` (not negative) at `out`, two at a time.
    public static func put(_ value: Int, _ width: Int, at out: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var index = width
        while index >= 2 {
            let pair = (rest % 100) * 2
            rest /= 100
            index -= 2
            out[index] = twoDigits[pair]
            out[index + 1] = twoDigits[pair + 1]
        }
        if index == 1 { out[0] = UInt8(ascii: "0") + UInt8(rest % 10) }
    }

    /// "00" to "99", for writing two digits with one division.
    private static let twoDigits: [UInt8] = (0..<100).flatMap { [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)] }
}
