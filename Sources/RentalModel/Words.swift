/// A value's name in the two languages staff read, the same in every place that shows it: rentalctl's
/// tables, reports and their CSV, registers.
package struct Words: Sendable, Equatable {
    /// The English name.
    package let english: String
    /// The Russian name.
    package let russian: String

    package init(_ english: String, _ russian: String) {
        self.english = english
        self.russian = russian
    }
}

extension Category {
    /// The category's name.
    package var words: Words {
        switch self {
        case .appliance: Words("appliances", "бытовая техника")
        case .infant: Words("infant items", "для младенцев")
        case .furniture: Words("furniture", "мебель")
        case .other: Words("other", "прочее")
        }
    }
}

extension Condition {
    /// The condition's name (agreeing with «состояние»).
    package var words: Words {
        switch self {
        case .new: Words("new", "новое")
        case .good: Words("good", "хорошее")
        case .fair: Words("fair", "удовлетворительное")
        case .damaged: Words("damaged", "повреждено")
        }
    }
}

extension UnitStatus {
    /// The status's name (of a unit, «предмет»).
    package var words: Words {
        switch self {
        case .available: Words("available", "в наличии")
        case .onLoan: Words("on loan", "выдан")
        case .held: Words("held", "отложен")
        case .inTransit: Words("in transit", "в пути")
        case .sanitising: Words("sanitising", "санобработка")
        case .inRepair: Words("in repair", "в ремонте")
        case .lost: Words("lost", "утерян")
        case .retired: Words("retired", "списан")
        }
    }
}
