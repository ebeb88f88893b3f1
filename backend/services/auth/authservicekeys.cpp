// AuthService: API keys and the permission simulator.
#include "authservice.h"

#include "authstore.h"

#include "storage/database.h"

namespace Meshdeck::Auth {

namespace {
bool seesEveryKey(const Principal &p)
{
    return p.role == Role::Admin && Access::authorize(p, "auth.users.read").allowed;
}
} // namespace

QCoro::Task<Result<CreatedKey>> AuthService::createKey(PrincipalPtr caller, NewKey input)
{
    input.name = input.name.trimmed();
    if (input.name.isEmpty() || input.name.size() > 100)
        co_return Error::invalid(QStringLiteral("name"),
                                 QStringLiteral("A key needs a name of 1 to 100 characters."));
    if (input.scopes.isEmpty())
        co_return Error::invalid(
            QStringLiteral("scopes"),
            QStringLiteral("List the permissions the key may use (GET /v1/access/permissions)."));
    input.scopes.removeDuplicates();
    for (const QString &scope : std::as_const(input.scopes)) {
        const QByteArray permission = scope.toLatin1();
        if (!Access::isKnown(permission))
            co_return Error::invalid(
                QStringLiteral("scopes"),
                QStringLiteral("'%1' is not a permission (GET /v1/access/permissions lists them).")
                    .arg(scope.left(80)));
        // Nobody hands on what they do not hold: a key is never wider than its creator.
        const Access::Decision d = Access::authorize(*caller, permission);
        if (!d.allowed)
            co_return Error::forbidden(
                QStringLiteral("A key cannot hold %1, which you do not hold: %2").arg(scope, d.summary()),
                "scope-not-held");
    }
    const qint64 now = m_clock->nowMs();
    if (input.expiresAtMs != 0 && input.expiresAtMs <= now)
        co_return Error::invalid(QStringLiteral("expiresAt"),
                                 QStringLiteral("The expiry must be in the future."));
    // A key made with a key never outlives it (else a leaked short-lived key buys a permanent one):
    // no expiry given means the parent's; a later one is refused.
    if (caller->kind == Principal::Kind::ApiKey && caller->expiresAtMs > 0) {
        if (input.expiresAtMs == 0)
            input.expiresAtMs = caller->expiresAtMs;
        else if (input.expiresAtMs > caller->expiresAtMs)
            co_return Error::invalid(
                QStringLiteral("expiresAt"),
                QStringLiteral("A key made with the API key '%1' cannot outlive it: choose an expiry "
                               "at or before %2.")
                    .arg(caller->name, isoTime(caller->expiresAtMs)),
                "outlives-parent-key");
    }
    CreatedKey created;
    created.key = newSecret("mdk_");
    ApiKey &key = created.apiKey;
    key.id = newId();
    key.userId = caller->userId; // empty for the admin token
    key.name = input.name;
    key.prefix = QString::fromLatin1(created.key.left(12));
    key.scopes = input.scopes;
    key.createdAtMs = now;
    key.expiresAtMs = input.expiresAtMs;
    QCoro::Task<Result<void>> storing = m_database->attempt(
        [key, digest = digestHex(created.key)](QSqlDatabase &db) { AuthStore::createKey(db, key, digest); });
    if (const Result<void> stored = co_await storing; !stored)
        co_return stored.error();
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    publish(QStringLiteral("auth.key.created"), key.id, toJson(key));
    co_return created;
}

QCoro::Task<Result<QList<ApiKey>>> AuthService::keys(PrincipalPtr caller)
{
    const std::optional<QString> owner =
        seesEveryKey(*caller) ? std::nullopt : std::optional<QString>(caller->userId);
    QCoro::Task<Result<QList<ApiKey>>> reading =
        m_database->attempt([owner](QSqlDatabase &db) { return AuthStore::keys(db, owner); });
    co_return co_await reading;
}

QCoro::Task<Result<ApiKey>> AuthService::revokeKey(PrincipalPtr caller, QString keyId)
{
    QCoro::Task<Result<std::optional<ApiKey>>> reading =
        m_database->attempt([keyId](QSqlDatabase &db) { return AuthStore::key(db, keyId); });
    const Result<std::optional<ApiKey>> found = co_await reading;
    if (!found)
        co_return found.error();
    // Someone else's key is not there for you: the same answer as a key that does not exist.
    if (!found->has_value() || (!seesEveryKey(*caller) && (*found)->userId != caller->userId))
        co_return Error::notFound(QStringLiteral("There is no API key %1.").arg(keyId), "key-not-found");
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<std::optional<ApiKey>>> revoking =
        m_database->attempt([keyId, now](QSqlDatabase &db) { return AuthStore::revokeKey(db, keyId, now); });
    const Result<std::optional<ApiKey>> revoked = co_await revoking;
    if (!revoked)
        co_return revoked.error();
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    ApiKey after = **found;
    if (after.revokedAtMs == 0)
        after.revokedAtMs = now;
    publish(QStringLiteral("auth.key.revoked"), keyId, toJson(after));
    co_return after;
}

QCoro::Task<Result<Access::Decision>> AuthService::simulate(PrincipalSpec who, QByteArray action,
                                                            QString resource)
{
    if (!Access::isKnown(action))
        co_return Error::invalid(
            QStringLiteral("action"),
            QStringLiteral("'%1' is not a permission (GET /v1/access/permissions lists them).")
                .arg(QString::fromLatin1(action.left(80))));
    Principal p;
    QList<Access::Reason> before;
    if (who.adminToken) {
        p = Principal::adminToken();
    } else if (!who.userId.isEmpty()) {
        std::optional<Principal> user = principalForUser(who.userId);
        if (!user)
            co_return Error::notFound(QStringLiteral("There is no user %1.").arg(who.userId),
                                      "user-not-found");
        p = std::move(*user);
    } else if (!who.keyId.isEmpty()) {
        QCoro::Task<Result<std::optional<ApiKey>>> reading =
            m_database->attempt([id = who.keyId](QSqlDatabase &db) { return AuthStore::key(db, id); });
        const Result<std::optional<ApiKey>> key = co_await reading;
        if (!key)
            co_return key.error();
        if (!key->has_value())
            co_return Error::notFound(QStringLiteral("There is no API key %1.").arg(who.keyId),
                                      "key-not-found");
        const ApiKey &k = **key;
        if (k.userId.isEmpty()) {
            p = Principal::adminToken();
        } else if (std::optional<Principal> owner = principalForUser(k.userId)) {
            p = std::move(*owner);
        } else {
            co_return Error::notFound(QStringLiteral("The key's owner no longer exists."), "user-not-found");
        }
        p.kind = Principal::Kind::ApiKey;
        p.keyId = k.id;
        p.name = k.name;
        p.scopes = k.scopes;
        const qint64 now = m_clock->nowMs();
        if (k.revokedAtMs != 0)
            before.append(
                {QStringLiteral("key"), false,
                 QStringLiteral("The API key '%1' was revoked at %2.").arg(k.name, isoTime(k.revokedAtMs))});
        else if (k.expiresAtMs != 0 && k.expiresAtMs <= now)
            before.append(
                {QStringLiteral("key"), false,
                 QStringLiteral("The API key '%1' expired at %2.").arg(k.name, isoTime(k.expiresAtMs))});
        else
            before.append(
                {QStringLiteral("key"), true, QStringLiteral("The API key '%1' is live.").arg(k.name)});
    } else {
        co_return Error::invalid(
            QStringLiteral("principal"),
            QStringLiteral("Name the principal: {\"userId\":…}, {\"keyId\":…} or {\"adminToken\":true}."));
    }
    Access::Decision d = Access::authorize(p, action);
    d.reasons = before + d.reasons;
    for (const Access::Reason &r : std::as_const(before))
        d.allowed = d.allowed && r.passed;
    if (!d.allowed || resource.isEmpty()) {
        if (d.allowed && d.grant == Access::Grant::Documents)
            d.reasons.append(
                {QStringLiteral("document"), true,
                 QStringLiteral("Only on resources whose document permissions grant it; name a resource "
                                "(topic:NAME) to check one.")});
        co_return d;
    }
    const qsizetype colon = resource.indexOf(QLatin1Char(':'));
    const QString type = colon > 0 ? resource.left(colon) : QString();
    const QString id = colon > 0 ? resource.mid(colon + 1) : QString();
    ResourceCheck check;
    {
        std::lock_guard lock(m_mutex);
        check = m_resourceChecks.value(type);
    }
    if (!check || id.isEmpty())
        co_return Error::invalid(
            QStringLiteral("resource"),
            QStringLiteral("'%1' names no resource; use TYPE:ID with a type of: %2.")
                .arg(resource.left(80), m_resourceChecks.keys().join(QStringLiteral(", "))));
    // The check decides for full grants too: some resources (the platform's own topics) ask more
    // than the role's grant.
    QCoro::Task<Result<Access::Reason>> checking = check(std::make_shared<const Principal>(p), action, id);
    const Result<Access::Reason> reason = co_await checking;
    if (!reason)
        co_return reason.error();
    d.reasons.append(*reason);
    d.allowed = reason->passed;
    co_return d;
}

} // namespace Meshdeck::Auth
