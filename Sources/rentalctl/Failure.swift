import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

/// Exit codes (sysexits.h), documented in `rentalctl --help`.
enum ExitStatus {
    /// Bad arguments or invalid input.
    static let usage: Int32 = 64
    /// Refused by a rule (the family's limit, the unit's status, …).
    static let refused: Int32 = 65
    /// Something named does not exist.
    static let notFound: Int32 = 66
    /// ssh could not connect or log in to the daemon's host (`-H`).
    static let noHost: Int32 = 68
    /// The daemon cannot be reached.
    static let unavailable: Int32 = 69
    /// The daemon failed (storage, protocol).
    static let software: Int32 = 70
    /// Busy or full: try again later.
    static let temporary: Int32 = 75
    /// The caller's role does not allow it.
    static let noPermission: Int32 = 77

    static func of(_ code: RentalError.Code) -> Int32 {
        switch code.httpStatus {
        case 400, 405, 413, 415, 422: usage
        case 403: noPermission
        case 404: notFound
        case 409: refused
        case 503, 507: code == .storageFull ? software : temporary
        default: code == .daemonUnreachable ? unavailable : code == .sshFailed ? noHost : software
        }
    }
}

/// Turns an error from the daemon into a sentence a social worker understands, with what to do next.
enum Explain {
    static func sentence(_ error: RentalError) -> String {
        "\(advice(error.code)) (\(error.code.rawValue): \(error.message))"
    }

    /// What a code means for the desk, and what to do, in the user's language.
    static func advice(_ code: RentalError.Code) -> String {
        let advice: String
        switch code {
        case .familyNotActive: advice = tr("The family is suspended: it cannot borrow until it is reinstated.",
                                           "Семья приостановлена: выдача невозможна, пока её не восстановят.")
        case .lowIncomeExpired: advice = tr("The family's low-income confirmation has expired: ask for a new certificate.",
                                            "Срок подтверждения статуса малоимущей семьи истёк: попросите новую справку.")
        case .consentMissing: advice = tr("No consent to personal-data processing is recorded: have it signed and enter the date.",
                                          "Нет согласия на обработку персональных данных: получите подпись и внесите дату.")
        case .loanLimitReached: advice = tr("The family already has as many items as allowed: an item must come back first.",
                                            "У семьи максимум вещей на руках: сначала нужно что-то вернуть.")
        case .categoryLimitReached: advice = tr("The family already has as many items of this kind as allowed.",
                                                "У семьи уже максимум вещей этого вида.")
        case .familyHasOverdue: advice = tr("The family has an overdue item: it must be returned or renewed first.",
                                            "У семьи есть просроченная вещь: сначала её нужно вернуть или продлить.")
        case .noEligibleChild: advice = tr("This item is for infants and the family has no child (born or expected) young enough: check the children's dates.",
                                           "Вещь для младенцев, а в семье нет ребёнка подходящего возраста (или ожидаемого): проверьте даты рождения.")
        case .unitNotAvailable: advice = tr("This unit cannot be lent right now.", "Эту вещь сейчас выдать нельзя.")
        case .unitNotAtCentre: advice = tr("The unit is at another centre: use `rentalctl available` to find one here.",
                                           "Вещь находится в другом центре: найдите свободную через `rentalctl available`.")
        case .itemTypeRecalled: advice = tr("This kind of item is recalled: do not lend it.", "Этот вид вещей отозван: выдавать нельзя.")
        case .safetyCheckDue: advice = tr("The electrical safety check is due: check the unit and record it first.",
                                          "Пора проверить электробезопасность: проверьте вещь и отметьте проверку.")
        case .noLoanRule: advice = tr("No loan rule covers this: ask an administrator to set one.",
                                      "Нет правила выдачи для этого случая: обратитесь к администратору.")
        case .loanClosed: advice = tr("This loan is already closed.", "Эта выдача уже закрыта.")
        case .renewalLimitReached: advice = tr("The loan cannot be renewed again.", "Продлить больше нельзя.")
        case .renewalBlockedByReservations: advice = tr("Other families are waiting for this item: it cannot be renewed.",
                                                        "Эту вещь ждут другие семьи: продление невозможно.")
        case .alreadyReserved: advice = tr("The family is already on the waiting list.", "Семья уже в очереди.")
        case .unitHeldForAnother: advice = tr("This unit is held for another family on the waiting list: lend another one.",
                                              "Эта вещь отложена для другой семьи из очереди: выдайте другую.")
        case .reservationLimitReached: advice = tr("The family is already waiting for as many items as allowed.",
                                                   "Семья уже стоит в очереди на максимум вещей.")
        case .recallSafetyCheckMissing: advice = tr("Each unit must pass a safety check after the recall before it returns to service.",
                                                    "Перед возвратом в оборот каждую вещь нужно проверить после отзыва.")
        case .scanInProgress: advice = tr("A notice scan is already running: wait for it.", "Проверка просрочек уже идёт: дождитесь её.")
        case .invalidTransition: advice = tr("The unit's status does not allow this.", "Состояние вещи этого не позволяет.")
        case .forbidden: advice = tr("You are not allowed to do this: ask an administrator.", "У вас нет прав на это: обратитесь к администратору.")
        case .daemonUnreachable: advice = tr("The rental service cannot be reached.", "Служба проката недоступна.")
        case .sshFailed: advice = tr("Could not connect or log in to the server over ssh: check the server's name, the network and your key; ssh's own message follows.",
                                     "Не удалось подключиться к серверу по ssh или войти: проверьте имя сервера, сеть и ваш ключ; ниже сообщение ssh.")
        case .storageFull: advice = tr("The server's disk is full: tell the administrator. Nothing was changed.",
                                       "Диск сервера заполнен: сообщите администратору. Ничего не изменено.")
        case .storageBusy, .serviceUnavailable: advice = tr("The service is busy: try again in a moment.", "Служба занята: повторите через минуту.")
        case .centreNotFound, .itemTypeNotFound, .unitNotFound, .familyNotFound, .loanNotFound, .reservationNotFound,
             .ruleNotFound, .routeNotFound:
            advice = tr("Not found.", "Не найдено.")
        case .invalidInput, .malformedRequest, .payloadTooLarge, .unsupportedMediaType, .methodNotAllowed, .idempotencyKeyReused:
            advice = tr("The request is not valid.", "Неверный запрос.")
        case .alreadyExists: advice = tr("It exists already.", "Такая запись уже есть.")
        case .centreNeverOpen: advice = tr("The centre has no open day in the next year: check its calendar.",
                                           "У центра нет рабочих дней на год вперёд: проверьте календарь.")
        case .storageReadOnly, .storageCorrupt, .storageFailure, .protocolError:
            advice = tr("The service failed: tell the administrator.", "Сбой службы: сообщите администратору.")
        }
        return advice
    }
}

/// Runs a command body, printing a refusal as a sentence and leaving with its exit status.
func perform(_ body: () async throws(RentalError) -> Void) async throws {
    do {
        try await body()
    } catch {
        Console.writeError("rentalctl: " + Explain.sentence(error) + "\n")
        throw ExitCode(ExitStatus.of(error.code))
    }
}
