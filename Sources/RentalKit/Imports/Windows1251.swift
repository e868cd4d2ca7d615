/// The Windows-1251 code page (Cyrillic) as a `UnicodeCodec`, so that CSV.swift can stream a file written
/// in it without converting the whole file first. One byte is one scalar; 0x98 (unassigned) reads as U+FFFD.
struct Windows1251: UnicodeCodec {
    typealias CodeUnit = UInt8
    typealias EncodedScalar = CollectionOfOne<UInt8>

    /// 0x80…0xBF; 0xC0…0xFF are А…я (U+0410…U+044F) in order.
    private static let high: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    static func scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value: UInt32 = switch byte {
        case 0..<0x80: UInt32(byte)
        case 0xC0...: 0x0410 + UInt32(byte - 0xC0)
        default: UInt32(high[Int(byte - 0x80)])
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    static func byte(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 { return UInt8(value) }
        if (0x0410...0x044F).contains(value) { return UInt8(value - 0x0410 + 0xC0) }
        guard value != 0xFFFD, let index = high.firstIndex(of: UInt16(truncatingIfNeeded: value)), value <= 0xFFFF else { return nil }
        return UInt8(0x80 + index)
    }

    /// `text` in Windows-1251, or nil when a character has no byte in it.
    static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let byte = byte(scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    init() {}

    mutating func decode<I: IteratorProtocol>(_ input: inout I) -> UnicodeDecodingResult where I.Element == UInt8 {
        guard let byte = input.next() else { return .emptyInput }
        return .scalarValue(Self.scalar(byte))
    }

    static func encode(_ input: Unicode.Scalar, into processCodeUnit: (UInt8) -> Void) {
        processCodeUnit(byte(input) ?? 0x3F)
    }

    static var encodedReplacementCharacter: EncodedScalar { CollectionOfOne(0x3F) }

    static func decode(_ content: EncodedScalar) -> Unicode.Scalar { scalar(content.first ?? 0x3F) }

    static func encode(_ content: Unicode.Scalar) -> EncodedScalar? { byte(content).map(CollectionOfOne.init) }

    /// Every byte is one scalar, in both directions.
    struct Parser: Unicode.Parser {
        typealias Encoding = Windows1251
        init() {}
        mutating func parseScalar<I: IteratorProtocol>(from input: inout I) -> Unicode.ParseResult<EncodedScalar>
            where I.Element == UInt8 {
            guard let byte = input.next() else { return .emptyInput }
            return .valid(CollectionOfOne(byte))
        }
    }

    typealias ForwardParser = Parser
    typealias ReverseParser = Parser
}
