import RentalModel

/// What a centre's papers say about it beyond the store: the address and the head who signs (from
/// `[documents]` in rentald.conf).
public struct CentreDetails: Sendable, Hashable {
    /// The organisation the centre belongs to, e.g. «БУ «Комплексный центр социального обслуживания населения»».
    public var organisation: String
    /// Postal address of the centre.
    public var address: String
    /// The head of the centre (who signs the contract for the lender).
    public var head: String

    /// Creates the details.
    public init(organisation: String = "", address: String = "", head: String = "") {
        self.organisation = organisation
        self.address = address
        self.head = head
    }
}

/// Everything one loan's papers are rendered from. Holds personal data: it goes on the paper only.
public struct LoanPaperInput: Sendable {
    /// The loan.
    public var loan: Loan
    /// The borrowing family.
    public var family: Family
    /// The unit lent.
    public var unit: RentalUnit
    /// Its item type.
    public var itemType: ItemType
    /// The issuing centre.
    public var centre: Centre
    /// The issuing centre's address and head.
    public var details: CentreDetails
    /// The unit's condition when it was handed over (from the checkout's audit event), when recorded.
    public var handoverCondition: Condition?
    /// The loan rule in force for the centre and item type (period and extensions), when there is one.
    public var rule: LoanRule?
    /// The display name of the staff member who issued the unit.
    public var issuedByName: String
    /// The display name of the staff member who took it back, once returned.
    public var closedByName: String?
    /// The centre it was returned to, once returned.
    public var returnedTo: Centre?

    /// Creates the input.
    public init(loan: Loan, family: Family, unit: RentalUnit, itemType: ItemType, centre: Centre, details: CentreDetails,
                handoverCondition: Condition? = nil, rule: LoanRule?, issuedByName: String, closedByName: String? = nil,
                returnedTo: Centre? = nil) {
        self.handoverCondition = handoverCondition
        self.loan = loan
        self.family = family
        self.unit = unit
        self.itemType = itemType
        self.centre = centre
        self.details = details
        self.rule = rule
        self.issuedByName = issuedByName
        self.closedByName = closedByName
        self.returnedTo = returnedTo
    }
}

/// A family's loan history for its card.
public struct FamilyCardInput: Sendable {
    /// One line of the history.
    public struct Line: Sendable {
        /// The loan.
        public var loan: Loan
        /// Its item type's name.
        public var itemTypeName: String
        /// The issuing centre's name.
        public var centreName: String

        /// Creates a line.
        public init(loan: Loan, itemTypeName: String, centreName: String) {
            self.loan = loan
            self.itemTypeName = itemTypeName
            self.centreName = centreName
        }
    }

    /// The family.
    public var family: Family
    /// Its loans, oldest first.
    public var lines: [Line]
    /// The centre printing the card (its name heads the page), when known.
    public var centre: Centre?
    /// That centre's details.
    public var details: CentreDetails

    /// Creates the input.
    public init(family: Family, lines: [Line], centre: Centre?, details: CentreDetails) {
        self.family = family
        self.lines = lines
        self.centre = centre
        self.details = details
    }
}

/// One label of a label sheet.
public struct LabelInput: Sendable, Hashable {
    /// The unit's inventory number (large type, and in the QR code).
    public var inventoryNumber: String
    /// The item type's name.
    public var itemTypeName: String

    /// Creates a label.
    public init(inventoryNumber: String, itemTypeName: String) {
        self.inventoryNumber = inventoryNumber
        self.itemTypeName = itemTypeName
    }
}

/// How papers are laid out (`[documents]` in rentald.conf).
public struct PaperLayout: Sendable, Hashable {
    /// Copies of each loan document on one print (1, or 2: the centre's and the family's).
    public var copies: Int
    /// Label sheet columns.
    public var labelColumns: Int
    /// Label sheet rows.
    public var labelRows: Int
    /// What a label's QR code encodes: nil for the inventory number alone, else a URL with `{number}`
    /// where the (percent-encoded) inventory number goes.
    public var labelURL: String?

    /// Creates a layout: one copy, 3 × 8 labels, QR codes with the bare inventory number.
    public init(copies: Int = 1, labelColumns: Int = 3, labelRows: Int = 8, labelURL: String? = nil) {
        self.copies = copies
        self.labelColumns = labelColumns
        self.labelRows = labelRows
        self.labelURL = labelURL
    }
}
