/// The one error type of RentalKit.
///
/// Every failure carries a stable machine-readable ``Code`` (the daemon sends it as the `code` of an
/// RFC 9457 problem body, the CLI turns it into a sentence) and an English message for people.
/// Messages name fields and identifiers such as inventory numbers or family reference numbers, never
/// personal data (names, phones, addresses) and never SQL statements or their arguments.
public struct RentalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes. The raw values are part of the API and never change meaning.
    public enum Code: String, Sendable, CaseIterable, Codable {
        // Input and lookup
        /// A value from outside was malformed or out of range; the message names the field.
        case invalidInput = "invalid_input"
        /// No centre with that code.
        case centreNotFound = "centre_not_found"
        /// No item type with that code.
        case itemTypeNotFound = "item_type_not_found"
        /// No unit with that inventory number.
        case unitNotFound = "unit_not_found"
        /// No family with that reference number.
        case familyNotFound = "family_not_found"
        /// No loan with that id.
        case loanNotFound = "loan_not_found"
        /// No reservation with that id.
        case reservationNotFound = "reservation_not_found"
        /// No loan rule with that id.
        case ruleNotFound = "rule_not_found"
        /// The thing to create exists already (centre code, item type code, inventory number, family reference).
        case alreadyExists = "already_exists"
        /// The caller's role does not allow the operation.
        case forbidden = "forbidden"

        // Checkout refusals
        /// The family is suspended.
        case familyNotActive = "family_not_active"
        /// The family's low-income status has expired.
        case lowIncomeExpired = "low_income_expired"
        /// No consent to personal-data processing is recorded for the family.
        case consentMissing = "consent_missing"
        /// The family has reached the maximum number of open loans.
        case loanLimitReached = "loan_limit_reached"
        /// The family has reached the maximum number of open loans in the item's category.
        case categoryLimitReached = "category_limit_reached"
        /// The family has an overdue loan and may not borrow more.
        case familyHasOverdue = "family_has_overdue"
        /// The item is for infants and the family has no child (born or expected) under the age limit.
        case noEligibleChild = "no_eligible_child"
        /// The unit is not available for loan (on loan, held, sanitising, in repair, …).
        case unitNotAvailable = "unit_not_available"
        /// The unit is available, but at another centre.
        case unitNotAtCentre = "unit_not_at_centre"
        /// The item type has been recalled.
        case itemTypeRecalled = "item_type_recalled"
        /// The unit's periodic electrical safety check is due.
        case safetyCheckDue = "safety_check_due"
        /// No loan rule covers this centre and item type.
        case noLoanRule = "no_loan_rule"

        // Renewals and returns
        /// The loan is already returned or lost.
        case loanClosed = "loan_closed"
        /// The loan has been renewed as often as its rule allows.
        case renewalLimitReached = "renewal_limit_reached"
        /// Other families are waiting for this item type at this centre.
        case renewalBlockedByReservations = "renewal_blocked_by_reservations"

        // Units and calendars
        /// The unit's status does not allow this change.
        case invalidTransition = "invalid_transition"
        /// The centre has no open day within a year of the date asked for.
        case centreNeverOpen = "centre_never_open"
        /// The family already waits for this item type at this centre.
        case alreadyReserved = "already_reserved"
        /// A notice scan is running already; it was not started twice.
        case scanInProgress = "scan_in_progress"

        // Holds, transfers and recalls
        /// The unit is held for another family's reservation; only that family can take it.
        case unitHeldForAnother = "unit_held_for_another"
        /// The family has as many open reservations as the policy allows.
        case reservationLimitReached = "reservation_limit_reached"
        /// A recalled item type cannot return to service before each of its units has passed a safety
        /// check recorded after the recall.
        case recallSafetyCheckMissing = "recall_safety_check_missing"

        // Storage
        /// The disk holding the store is full; nothing was changed.
        case storageFull = "storage_full"
        /// The store was locked by another writer for longer than the busy timeout; nothing was changed.
        case storageBusy = "storage_busy"
        /// The store cannot be written (read-only file system or permissions).
        case storageReadOnly = "storage_read_only"
        /// The store file is damaged.
        case storageCorrupt = "storage_corrupt"
        /// Any other storage failure.
        case storageFailure = "storage_failure"

        // Transport (daemon and client)
        /// The request could not be read: bad JSON, a bad header, bad framing.
        case malformedRequest = "malformed_request"
        /// No such path in the API.
        case routeNotFound = "route_not_found"
        /// The path exists but not with this method.
        case methodNotAllowed = "method_not_allowed"
        /// The body is larger than the daemon accepts.
        case payloadTooLarge = "payload_too_large"
        /// The body is not `application/json`.
        case unsupportedMediaType = "unsupported_media_type"
        /// An `Idempotency-Key` was sent again with a different request.
        case idempotencyKeyReused = "idempotency_key_reused"
        /// The daemon is shutting down or has too many connections; try again.
        case serviceUnavailable = "service_unavailable"
        /// The client could not reach the daemon (no socket, connection refused, no permission).
        case daemonUnreachable = "daemon_unreachable"
        /// The daemon answered with something the client does not understand.
        case protocolError = "protocol_error"

        // Remote access (client side: `rentalctl -H`)
        /// ssh could not connect or log in to the daemon's host (name, network, host key, authentication).
        case sshFailed = "ssh_failed"
    }

    /// The stable code.
    public let code: Code
    /// A sentence for people: names the field or identifier at fault, never personal data.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    package static func invalid(_ field: String, _ problem: String) -> RentalError {
        RentalError(.invalidInput, "\(field): \(problem)")
    }
}
