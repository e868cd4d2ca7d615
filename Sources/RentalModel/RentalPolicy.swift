/// The rules that an operator may switch, beyond loan rules.
public struct RentalPolicy: Sendable, Hashable, Codable {
    /// Whether a family with an overdue loan is refused further checkouts (default true).
    public var refuseCheckoutWhenOverdue: Bool
    /// How far in the past an administrator may backdate a checkout, in days (default 31).
    public var maxBackdateDays: Int
    /// How many open days of the pickup centre a held unit waits for its family (default 5).
    public var holdPickupOpenDays: Int
    /// How many open reservations (waiting or held) a family may have at once (default 3).
    public var maxReservationsPerFamily: Int
    /// What a unit returned away from its home centre does (default ``ReturnElsewhere/floating``).
    public var returnElsewhere: ReturnElsewhere

    /// Creates a policy.
    public init(refuseCheckoutWhenOverdue: Bool = true, maxBackdateDays: Int = 31, holdPickupOpenDays: Int = 5,
                maxReservationsPerFamily: Int = 3, returnElsewhere: ReturnElsewhere = .floating) {
        self.refuseCheckoutWhenOverdue = refuseCheckoutWhenOverdue
        self.maxBackdateDays = maxBackdateDays
        self.holdPickupOpenDays = holdPickupOpenDays
        self.maxReservationsPerFamily = maxReservationsPerFamily
        self.returnElsewhere = returnElsewhere
    }
}

extension RentalPolicy {
    private enum CodingKeys: String, CodingKey {
        case refuseCheckoutWhenOverdue, maxBackdateDays, holdPickupOpenDays, maxReservationsPerFamily, returnElsewhere
    }

    /// Decodes a policy; any rule left out takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RentalPolicy()
        self.init(refuseCheckoutWhenOverdue: try c.decodeIfPresent(Bool.self, forKey: .refuseCheckoutWhenOverdue)
                    ?? defaults.refuseCheckoutWhenOverdue,
                  maxBackdateDays: try c.decodeIfPresent(Int.self, forKey: .maxBackdateDays) ?? defaults.maxBackdateDays,
                  holdPickupOpenDays: try c.decodeIfPresent(Int.self, forKey: .holdPickupOpenDays) ?? defaults.holdPickupOpenDays,
                  maxReservationsPerFamily: try c.decodeIfPresent(Int.self, forKey: .maxReservationsPerFamily)
                    ?? defaults.maxReservationsPerFamily,
                  returnElsewhere: try c.decodeIfPresent(ReturnElsewhere.self, forKey: .returnElsewhere) ?? defaults.returnElsewhere)
    }
}
