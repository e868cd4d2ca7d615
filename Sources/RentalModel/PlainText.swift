/// Text operations written on the standard library alone, for the client-side targets (RentalModel,
/// RentalProtocol, RentalClient, rentalctl), which import only FoundationEssentials where it exists:
/// the full Foundation brings in FoundationInternationalization and ICU, tens of megabytes and a
/// slower start for every `rentalctl` call.
package enum PlainText {
    /// `value` in decimal with at least `width` characters, zero-padded after the sign: what
    /// `String(format: "%0<width>d", value)` gives.
    package static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let zeros = max(0, width - sign.count - digits.count)
        return sign + String(repeating: "0", count: zeros) + digits
    }

    /// `value` with every `character` replaced by `replacement`.
    package static func replacing(_ character: Character, with replacement: String, in value: String) -> String {
        guard value.contains(character) else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for each in value {
            if each == character { result += replacement } else { result.append(each) }
        }
        return result
    }
}
