#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JSONBytes {
    /// Encodes `value` as ``RentalJSON/encoder()`` would.
    public static func encode(_ value: some JSONBytesEncodable) -> [UInt8] {
        var json = JSONBytes()
        value.write(to: &json)
        return json.bytes
    }

    /// Appends an instant as ``RentalJSON/instant(_:)`` writes it (`"2026-11-24T04:00:00.123Z"`).
    public mutating func instant(_ value: Date) {
        instant(millis: Int64((value.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Appends an instant given in milliseconds since 1970 (as the store keeps it), written as ``instant(_:)``.
    public mutating func instant(millis: Int64) {
        var run = plainRun(upTo: 26)
        if run.instant(millis: millis) {
            commit(run)
        } else {
            string(RentalJSON.instant(Date(timeIntervalSince1970: Double(millis) / 1000)))  // years the four-digit run does not cover
        }
    }
}

extension JSONBytes.PlainRun {
    /// An instant given in milliseconds since 1970, quoted as ``RentalJSON/instant(_:)`` writes it
    /// (`"2026-11-24T04:00:00.123Z"`), when its year has four digits; false otherwise.
    public mutating func instant(millis: Int64) -> Bool {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let civil = LocalDate(serialDay: Int(days))
        guard (1000...9999).contains(civil.year) else { return false }
        let secondOfDay = Int(seconds - days * 86_400)
        let out = take(26)
        out[0] = UInt8(ascii: "\"")
        JSONBytes.put(civil, at: out + 1)
        out[11] = UInt8(ascii: "T")
        JSONBytes.put(secondOfDay / 3600, 2, at: out + 12)
        out[14] = UInt8(ascii: ":")
        JSONBytes.put(secondOfDay / 60 % 60, 2, at: out + 15)
        out[17] = UInt8(ascii: ":")
        JSONBytes.put(secondOfDay % 60, 2, at: out + 18)
        out[20] = UInt8(ascii: ".")
        JSONBytes.put(Int(millis - seconds * 1000), 3, at: out + 21)
        out[24] = UInt8(ascii: "Z")
        out[25] = UInt8(ascii: "\"")
        return true
    }
}

/// A value the daemon answers with often enough to be written by ``JSONBytes``.
public protocol JSONBytesEncodable: Encodable {
    /// Appends the value's JSON (the whole object, braces included), exactly as ``RentalJSON/encoder()`` would write it.
    func write(to json: inout JSONBytes)
}

extension Loan: JSONBytesEncodable {
    /// Keys in the order `.sortedKeys` puts them (byte order).
    public func write(to json: inout JSONBytes) {
        json.raw("{")
        json.key("backdated", first: true)
        json.boolean(backdated)
        json.key("centre")
        json.string(centre)
        if let closedAt {
            json.key("closedAt")
            json.instant(closedAt)
        }
        if let closedBy {
            json.key("closedBy")
            json.string(closedBy)
        }
        json.key("dueDate")
        json.date(dueDate)
        json.key("family")
        json.string(family)
        json.key("id")
        json.integer(id)
        json.key("inventoryNumber")
        json.string(inventoryNumber)
        json.key("issuedAt")
        json.instant(issuedAt)
        json.key("issuedBy")
        json.string(issuedBy)
        json.key("issuedOn")
        json.date(issuedOn)
        json.key("itemType")
        json.string(itemType)
        json.key("renewals")
        json.integer(renewals)
        if let returnCondition {
            json.key("returnCondition")
            json.string(returnCondition.rawValue)
        }
        if let returnNote {
            json.key("returnNote")
            json.string(returnNote)
        }
        if let returnedTo {
            json.key("returnedTo")
            json.string(returnedTo)
        }
        json.key("state")
        json.string(state.rawValue)
        json.raw("}")
    }
}

extension ReturnReceipt: JSONBytesEncodable {
    /// Writes the object.
    public func write(to json: inout JSONBytes) {
        json.raw("{")
        if let heldFor {
            json.key("heldFor", first: true)
            json.integer(heldFor)
            json.key("loan")
        } else {
            json.key("loan", first: true)
        }
        loan.write(to: &json)
        if let pickupBy {
            json.key("pickupBy")
            json.date(pickupBy)
        }
        if let returnElsewhere {
            json.key("returnElsewhere")
            json.string(returnElsewhere.rawValue)
        }
        if let sentTo {
            json.key("sentTo")
            json.string(sentTo)
        }
        json.key("unitStatus")
        json.string(unitStatus.rawValue)
        json.key("wasOverdue")
        json.boolean(wasOverdue)
        json.raw("}")
    }
}

extension Page: JSONBytesEncodable where Item: JSONBytesEncodable {
    /// Writes the object.
    public func write(to json: inout JSONBytes) {
        json.reserve(items.count * 320)  // a loan is about 250–300 bytes
        json.raw("{")
        json.key("items", first: true)
        json.raw("[")
        for (index, item) in items.enumerated() {
            if index > 0 { json.raw(",") }
            item.write(to: &json)
        }
        json.raw("]")
        if let next {
            json.key("next")
            json.string(next)
        }
        json.raw("}")
    }
}
