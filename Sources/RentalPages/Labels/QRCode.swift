import CQRencode
import Foundation

/// A QR code symbol made by Debian's libqrencode (byte mode, UTF-8 marked by ECI 26 when not ASCII, error
/// correction level M), drawn as SVG.
public struct QRCode: Sendable {
    /// Why a QR code could not be made.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong.
        public var description: String
    }

    /// Modules per side.
    public let width: Int
    /// Dark modules, row by row.
    public let modules: [Bool]

    /// Encodes `text` (its UTF-8 bytes).
    public init(encoding text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw Failure(description: "nothing to encode") }
        guard let input = QRinput_new2(0, QR_ECLEVEL_M) else { throw Failure(description: "libqrencode is out of memory") }
        defer { QRinput_free(input) }
        // Text that is not ASCII carries ECI 26 (UTF-8), so that readers do not guess Shift-JIS for Cyrillic.
        if bytes.contains(where: { $0 >= 0x80 }), QRinput_appendECIheader(input, 26) != 0 {
            throw Failure(description: "libqrencode refused the UTF-8 marker (errno \(errno))")
        }
        let appended = bytes.withUnsafeBufferPointer { QRinput_append(input, QR_MODE_8, Int32($0.count), $0.baseAddress) }
        guard appended == 0, let symbol = QRcode_encodeInput(input) else {
            throw Failure(description: "libqrencode could not encode \(bytes.count) bytes (errno \(errno))")
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        let data = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        self.width = width
        self.modules = data.map { $0 & 1 == 1 }
    }

    /// What a label's QR code says for `number`: the number itself, or `pattern` with `{number}` replaced
    /// by the percent-encoded number.
    public static func payload(for number: String, urlPattern pattern: String?) -> String {
        guard let pattern, pattern.contains("{number}") else { return number }
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        let encoded = number.addingPercentEncoding(withAllowedCharacters: allowed) ?? number
        return pattern.replacingOccurrences(of: "{number}", with: encoded)
    }

    /// The symbol as an inline SVG (one path, four modules of quiet zone, scalable: size it with CSS). A
    /// hairline stroke closes the seams an anti-aliasing rasteriser leaves between rows of modules, which
    /// otherwise break decoding.
    public func svg() -> String {
        let quiet = 4
        let side = width + 2 * quiet
        var path = ""
        path.reserveCapacity(width * width * 4)
        for y in 0..<width {
            var x = 0
            while x < width {
                guard modules[y * width + x] else { x += 1; continue }
                var run = 1
                while x + run < width, modules[y * width + x + run] { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" class=\"qr\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" stroke=\"#000\" stroke-width=\"0.06\" d=\"\(path)\"/></svg>"
    }
}
