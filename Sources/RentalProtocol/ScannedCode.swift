#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a USB barcode or QR scanner types when staff scan a label: the inventory number itself, or the
/// URL a label's QR code encodes (`[documents] label_url`, with the number as the last path segment or
/// the last query value), followed by Enter.
public enum ScannedCode {
    /// The inventory number in `input`: a URL (`http://` or `https://`) gives its last query value, else
    /// its last path segment, percent-decoded; anything else is the number as typed, without the
    /// surrounding whitespace and the Enter a scanner adds.
    public static func inventoryNumber(_ input: String) -> String {
        guard let first = input.firstIndex(where: { !$0.isWhitespace }),
              let last = input.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        let text = String(input[first...last])
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), let components = URLComponents(string: text) else {
            return text
        }
        if let value = components.queryItems?.last?.value, !value.isEmpty { return value }
        return components.path.split(separator: "/").last.map(String.init) ?? text
    }
}
