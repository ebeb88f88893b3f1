#pragma once

#include <QByteArray>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace Meshdeck {

// What went wrong, in domain terms. Services and stores return these; only a service's routes
// turn them into status codes and problem documents, so the same service can answer REST,
// realtime and a command line alike.
enum class ErrorKind {
    Invalid,         // the caller's input is wrong (field says which)
    NotFound,        // the thing named does not exist
    Conflict,        // the request contradicts the current state (exists already, system topic, …)
    TooLarge,        // the input is over a limit
    Unavailable,     // storage or a dependency failed; nothing was changed; retry later
    Busy,            // a capacity limit is reached right now; retry after retryAfterSeconds
    Forbidden,       // the caller may not do this
    Unauthenticated, // the credential is missing, wrong, expired or revoked
    RateLimited,     // this caller is over a rate limit; retry after retryAfterSeconds
};

struct Error {
    ErrorKind kind = ErrorKind::Unavailable;
    QString reason;  // a sentence a person can act on
    QByteArray code; // a stable machine-readable name: "topic-not-found"
    QString field;   // Invalid: the offending field, e.g. "retention.maxBytes"
    int retryAfterSeconds = 0;

    static Error invalid(QString field, QString reason, QByteArray code = QByteArrayLiteral("invalid"))
    {
        return {ErrorKind::Invalid, std::move(reason), std::move(code), std::move(field), 0};
    }
    static Error notFound(QString reason, QByteArray code = QByteArrayLiteral("not-found"))
    {
        return {ErrorKind::NotFound, std::move(reason), std::move(code), {}, 0};
    }
    static Error conflict(QString reason, QByteArray code = QByteArrayLiteral("conflict"))
    {
        return {ErrorKind::Conflict, std::move(reason), std::move(code), {}, 0};
    }
    static Error tooLarge(QString reason, QByteArray code = QByteArrayLiteral("too-large"))
    {
        return {ErrorKind::TooLarge, std::move(reason), std::move(code), {}, 0};
    }
    static Error unavailable(QString reason, QByteArray code = QByteArrayLiteral("storage-failure"))
    {
        return {ErrorKind::Unavailable, std::move(reason), std::move(code), {}, 0};
    }
    static Error busy(QString reason, int retryAfterSeconds, QByteArray code = QByteArrayLiteral("busy"))
    {
        return {ErrorKind::Busy, std::move(reason), std::move(code), {}, retryAfterSeconds};
    }
    static Error unauthenticated(QString reason, QByteArray code = QByteArrayLiteral("invalid-credentials"))
    {
        return {ErrorKind::Unauthenticated, std::move(reason), std::move(code), {}, 0};
    }
    static Error rateLimited(QString reason, int retryAfterSeconds,
                             QByteArray code = QByteArrayLiteral("rate-limited"))
    {
        return {ErrorKind::RateLimited, std::move(reason), std::move(code), {}, retryAfterSeconds};
    }
    static Error forbidden(QString reason, QByteArray code = QByteArrayLiteral("forbidden"))
    {
        return {ErrorKind::Forbidden, std::move(reason), std::move(code), {}, 0};
    }
};

// A value or the Error that prevented it.
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    {}
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_state); }
    const T &value() const { return std::get<0>(m_state); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return !m_error; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace Meshdeck
