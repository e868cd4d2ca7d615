/// `POST /v1/units/{inventoryNumber}/send`: sends an available unit to another centre.
public struct SendRequest: Codable, Sendable, Hashable {
    /// Destination centre code.
    public var centre: String
    /// The waiting reservation at the destination it is sent for (held for it on receipt).
    public var reservation: Int64?
    /// A note for staff.
    public var note: String?

    /// Creates a request.
    public init(centre: String, reservation: Int64? = nil, note: String? = nil) {
        self.centre = centre
        self.reservation = reservation
        self.note = note
    }
}

/// `POST /v1/recalls`: recalls an item type.
public struct RecallRunRequest: Codable, Sendable, Hashable {
    /// Item type code.
    public var itemType: String
    /// Why (the manufacturer's notice), for staff.
    public var note: String?

    /// Creates a request.
    public init(itemType: String, note: String? = nil) {
        self.itemType = itemType
        self.note = note
    }
}
