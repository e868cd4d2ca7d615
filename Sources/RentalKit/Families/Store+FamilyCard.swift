import Foundation
import GRDB

extension RentalStore {
    /// The desk's card of a family at a centre: the family, its children's ages, open loans (overdue ones
    /// with their days late), holds ready to collect, waiting-list places, and for each item type whether the
    /// family may borrow it there today — judged by the same checks as a checkout (``checkEligible``), so the
    /// card and the desk never disagree. Anyone with a role may read it.
    public func familyCard(_ reference: String, at centreCode: String) async throws(RentalError) -> FamilyCard {
        let now = clock.now()
        let policy = self.policy
        let reservations = try await self.reservations(family: reference)
        return try await read { db in
            let (familyID, family) = try Lookup.family(db, reference)
            let (_, centre) = try Lookup.centre(db, centreCode)
            let today = LocalDate(now, in: Lookup.zone(centre))
            let loans = try Lookup.loans(db, " WHERE l.family_id = ? AND l.state = 'open' ORDER BY l.due_date, l.id LIMIT 1000", binding: familyID)
            var zones: [String: LocalDate] = [:]
            let openLoans = try loans.map { loan in
                let loanToday = try zones[loan.centre] ?? LocalDate(now, in: Lookup.zone(try Lookup.centre(db, loan.centre).centre))
                zones[loan.centre] = loanToday
                return CardLoan(loan: loan, daysOverdue: max(0, loan.dueDate.days(until: loanToday)))
            }
            let codes = try String.fetchAll(db, sql: "SELECT code FROM item_type ORDER BY category, code")
            let eligibility = try codes.map { code in
                let (_, type) = try Lookup.itemType(db, code)
                guard !type.recalled else {
                    return Eligibility(itemType: type.code, category: type.category, allowed: false,
                                       refusal: RentalError.Code.itemTypeRecalled.rawValue, reason: "item type \(type.code) is recalled")
                }
                do {
                    let rule = try Self.checkEligible(db, familyID: familyID, family: family, centre: centre, type: type,
                                                      on: today, now: now, policy: policy)
                    return Eligibility(itemType: type.code, category: type.category, allowed: true, rule: rule.id)
                } catch let refusal as RentalError {
                    return Eligibility(itemType: type.code, category: type.category, allowed: false,
                                       refusal: refusal.code.rawValue, reason: refusal.message)
                }
            }
            return FamilyCard(family: family, centre: centre.code, today: today,
                              children: family.children.map { ChildAge($0, on: today) }, openLoans: openLoans,
                              holds: reservations.filter { $0.state == .held }, waiting: reservations.filter { $0.state == .waiting },
                              eligibility: eligibility)
        }
    }
}
