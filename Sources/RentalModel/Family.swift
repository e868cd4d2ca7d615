/// Whether a family may borrow.
public enum FamilyStatus: String, Sendable, Codable, CaseIterable {
    /// May borrow (other conditions permitting).
    case active
    /// May not borrow until reinstated.
    case suspended
}

/// A child of a borrowing family: only the birth date is kept (data minimisation).
public struct Child: Sendable, Hashable, Codable {
    /// The birth date, or the expected birth date when ``expected`` is true.
    public var birthDate: LocalDate
    /// Whether the child is not born yet (a family preparing for a newborn).
    public var expected: Bool

    /// Creates a child value.
    public init(birthDate: LocalDate, expected: Bool = false) {
        self.birthDate = birthDate
        self.expected = expected
    }

    /// Whether the child makes its family eligible for an item with an age limit of `limitMonths` on
    /// `date`: a child expected after `date`, or one younger than the limit on that date.
    public func isUnder(months limitMonths: Int, on date: LocalDate) -> Bool {
        if birthDate > date { return expected }
        return birthDate.wholeMonths(until: date) < limitMonths
    }
}

/// A borrowing family. Holds personal data: RentalKit never logs these fields or puts them in errors.
public struct Family: Sendable, Hashable, Codable {
    /// Reference number, e.g. `F-2026-0001`: the only identifier that may appear in logs and journals.
    public var reference: String
    /// The contact person's surname.
    public var contactSurname: String
    /// The contact person's given name and patronymic.
    public var contactGivenNames: String
    /// Phone number as entered.
    public var phone: String
    /// Postal address.
    public var address: String
    /// The low-income certificate is valid up to and including this date.
    public var lowIncomeUntil: LocalDate
    /// The social-contract number, if the family has one.
    public var socialContract: String?
    /// The date consent to personal-data processing was given; no loans without it.
    public var consentOn: LocalDate?
    /// Children (born or expected).
    public var children: [Child]
    /// Status.
    public var status: FamilyStatus

    /// Creates a family value.
    public init(reference: String, contactSurname: String, contactGivenNames: String, phone: String,
                address: String, lowIncomeUntil: LocalDate, socialContract: String? = nil,
                consentOn: LocalDate?, children: [Child], status: FamilyStatus = .active) {
        self.reference = reference
        self.contactSurname = contactSurname
        self.contactGivenNames = contactGivenNames
        self.phone = phone
        self.address = address
        self.lowIncomeUntil = lowIncomeUntil
        self.socialContract = socialContract
        self.consentOn = consentOn
        self.children = children
        self.status = status
    }
}

/// Changes to a family; `nil` leaves a field as it is.
public struct FamilyUpdate: Sendable, Hashable, Codable {
    /// New surname.
    public var contactSurname: String?
    /// New given names.
    public var contactGivenNames: String?
    /// New phone.
    public var phone: String?
    /// New address.
    public var address: String?
    /// New end of the low-income status (a new certificate).
    public var lowIncomeUntil: LocalDate?
    /// New social-contract number (an empty string removes it).
    public var socialContract: String?
    /// Date consent was given.
    public var consentOn: LocalDate?
    /// The full new list of children.
    public var children: [Child]?

    /// Creates an update.
    public init(contactSurname: String? = nil, contactGivenNames: String? = nil, phone: String? = nil,
                address: String? = nil, lowIncomeUntil: LocalDate? = nil, socialContract: String? = nil,
                consentOn: LocalDate? = nil, children: [Child]? = nil) {
        self.contactSurname = contactSurname
        self.contactGivenNames = contactGivenNames
        self.phone = phone
        self.address = address
        self.lowIncomeUntil = lowIncomeUntil
        self.socialContract = socialContract
        self.consentOn = consentOn
        self.children = children
    }
}

extension Family {
    private enum CodingKeys: String, CodingKey {
        case reference, contactSurname, contactGivenNames, phone, address, lowIncomeUntil, socialContract, consentOn,
             children, status
    }

    /// Decodes a family; `contactGivenNames` and `address` (""), `children` (none) and `status` (active)
    /// may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(reference: try c.decode(String.self, forKey: .reference),
                  contactSurname: try c.decode(String.self, forKey: .contactSurname),
                  contactGivenNames: try c.decodeIfPresent(String.self, forKey: .contactGivenNames) ?? "",
                  phone: try c.decode(String.self, forKey: .phone),
                  address: try c.decodeIfPresent(String.self, forKey: .address) ?? "",
                  lowIncomeUntil: try c.decode(LocalDate.self, forKey: .lowIncomeUntil),
                  socialContract: try c.decodeIfPresent(String.self, forKey: .socialContract),
                  consentOn: try c.decodeIfPresent(LocalDate.self, forKey: .consentOn),
                  children: try c.decodeIfPresent([Child].self, forKey: .children) ?? [],
                  status: try c.decodeIfPresent(FamilyStatus.self, forKey: .status) ?? .active)
    }
}
