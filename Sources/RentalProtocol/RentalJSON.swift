#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON conventions of the API: camelCase keys, dates as `YYYY-MM-DD`, instants as ISO 8601 UTC with
/// milliseconds (`2026-11-24T04:00:00.000Z`), sorted keys.
public enum RentalJSON {
    /// An encoder following the conventions.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(instant(date))
        }
        return encoder
    }

    /// A decoder following the conventions; instants may omit the milliseconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? instantStyle.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 instant such as 2026-11-24T04:00:00Z")
        }
        return decoder
    }

    static let instantStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `2026-11-24T04:00:00.123Z`, rounded to the millisecond (the store's precision) rather than truncated.
    public static func instant(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        return String(whole.dropLast()) + "." + PlainText.padded(Int(millis - seconds * 1000), width: 3) + "Z"
    }
}
