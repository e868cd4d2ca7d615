#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

/// The language of messages and headings: Russian when the locale says so (`LC_ALL`, `LC_MESSAGES`, `LANG`),
/// English otherwise.
enum Language {
    case english, russian

    static let current: Language = {
        let environment = ProcessInfo.processInfo.environment
        let locale = [environment["LC_ALL"], environment["LC_MESSAGES"], environment["LANG"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        return locale.hasPrefix("ru") ? .russian : .english
    }()

    /// Picks the text for this language.
    func pick(_ english: String, _ russian: String) -> String {
        self == .russian ? russian : english
    }

    /// A date as the staff read it, with the day of the week: `24.11.2026, вт` in Russian, `Tue 24 Nov 2026`
    /// in English. (`--json` keeps the API's `2026-11-24`.)
    func date(_ date: LocalDate) -> String {
        switch self {
        case .russian: plainDate(date) + ", " + shortWeekday(date.weekday)
        case .english: shortWeekday(date.weekday) + " " + plainDate(date)
        }
    }

    /// A date without the day of the week, for tables with many columns: `24.11.2026` / `24 Nov 2026`.
    func plainDate(_ date: LocalDate) -> String {
        let day = PlainText.padded(date.day, width: 2)
        switch self {
        case .russian:
            return day + "." + PlainText.padded(date.month, width: 2) + "." + PlainText.padded(date.year, width: 4)
        case .english:
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return day + " " + months[date.month - 1] + " " + PlainText.padded(date.year, width: 4)
        }
    }

    /// An instant as a wall-clock time in `zone`: `07.12.2026 15:49:14` / `07 Dec 2026 15:49:14`.
    func dateTime(_ instant: Date, in zone: ZoneRules) -> String {
        let clock = zone.wallClock(at: instant)
        return plainDate(clock.date) + " " + [clock.hour, clock.minute, clock.second].map { PlainText.padded($0, width: 2) }.joined(separator: ":")
    }

    /// `Mon`… / `пн`….
    func shortWeekday(_ day: Weekday) -> String {
        switch day {
        case .monday: pick("Mon", "пн")
        case .tuesday: pick("Tue", "вт")
        case .wednesday: pick("Wed", "ср")
        case .thursday: pick("Thu", "чт")
        case .friday: pick("Fri", "пт")
        case .saturday: pick("Sat", "сб")
        case .sunday: pick("Sun", "вс")
        }
    }

    /// A weekday name.
    func weekday(_ day: Weekday) -> String {
        switch self {
        case .english: day.rawValue.capitalized
        case .russian:
            switch day {
            case .monday: "понедельник"
            case .tuesday: "вторник"
            case .wednesday: "среда"
            case .thursday: "четверг"
            case .friday: "пятница"
            case .saturday: "суббота"
            case .sunday: "воскресенье"
            }
        }
    }

    /// An item category in words.
    func category(_ category: Category) -> String {
        pick(category.words.english, category.words.russian)
    }

    /// A family's status in words.
    func familyStatus(_ status: FamilyStatus) -> String {
        status == .active ? pick("active", "активна") : pick("suspended", "приостановлена")
    }

    /// A notice's stage in words.
    func noticeStage(_ stage: NoticeStage) -> String {
        switch stage {
        case .dueSoon: pick("due soon", "скоро срок")
        case .overdue: pick("overdue", "просрочка")
        case .escalated: pick("call", "звонок")
        case .final: pick("lost?", "утеря?")
        }
    }

    /// A loan period: `14 days`, `6 months` / `14 дней`, `6 месяцев`.
    func period(_ period: LoanPeriod) -> String {
        period.unit == .days ? Plural.days(period.count) : Plural.months(period.count)
    }

    /// A unit status in words.
    func status(_ status: UnitStatus) -> String {
        pick(status.words.english, status.words.russian)
    }

    /// A unit's condition in words.
    func condition(_ condition: Condition) -> String {
        pick(condition.words.english, condition.words.russian)
    }
}

/// The shorthand for the current language.
func tr(_ english: String, _ russian: String) -> String {
    Language.current.pick(english, russian)
}

/// Words that change with the number: `1 день`, `3 дня`, `5 дней`, `21 день`.
enum Plural {
    /// `1 day`, `3 days` / `1 день`, `3 дня`, `5 дней`, `21 день`.
    static func days(_ count: Int) -> String {
        phrase(count, english: ("day", "days"), russian: ("день", "дня", "дней"))
    }

    /// `1 month`, `3 months` / `1 месяц`, `3 месяца`, `5 месяцев`.
    static func months(_ count: Int) -> String {
        phrase(count, english: ("month", "months"), russian: ("месяц", "месяца", "месяцев"))
    }

    /// A count with its noun in the current language (Russian: forms for 1, 2–4 and 5+, teens take the last).
    static func phrase(_ count: Int, english: (one: String, other: String), russian: (one: String, few: String, many: String)) -> String {
        guard Language.current == .russian else { return "\(count) \(count == 1 ? english.one : english.other)" }
        let tens = abs(count) % 100, ones = abs(count) % 10
        let word = (11...14).contains(tens) ? russian.many : ones == 1 ? russian.one : (2...4).contains(ones) ? russian.few : russian.many
        return "\(count) \(word)"
    }
}
