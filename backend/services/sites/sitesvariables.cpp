// SitesService: a site's variables, sealed at rest with the secret box.
#include "sitesservice.h"
#include "sitesstore.h"

#include "storage/database.h"

namespace Meshdeck::Sites {

namespace {
constexpr qsizetype MaxValue = 64 * 1024;

Error variableNotFound(const QString &siteId, const QString &id)
{
    return Error::notFound(QStringLiteral("Site %1 has no variable %2.").arg(siteId, id),
                           "variable-not-found");
}

Error nameTaken(const QString &name)
{
    return Error::conflict(
        QStringLiteral("The site has a variable named %1 already; change that one.").arg(name),
        "variable-name-taken");
}

// The fields of a variable's JSON over `v`; `creating` requires name and value.
std::optional<Error> readVariable(const QJsonObject &json, bool creating, Variable *v,
                                  std::optional<QString> *value)
{
    static const QStringList known{QStringLiteral("name"), QStringLiteral("value"), QStringLiteral("secret")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(it.key(),
                                  QStringLiteral("'%1' is not a field of a variable; the fields are "
                                                 "name, value and secret.")
                                      .arg(it.key()));
    }
    if (creating && (!json.contains(QStringLiteral("name")) || !json.contains(QStringLiteral("value"))))
        return Error::invalid(json.contains(QStringLiteral("name")) ? QStringLiteral("value")
                                                                    : QStringLiteral("name"),
                              QStringLiteral("A variable needs a name and a value."));
    if (json.contains(QStringLiteral("name"))) {
        v->name = json.value(QStringLiteral("name")).toString();
        if (!validVariableName(v->name))
            return Error::invalid(QStringLiteral("name"),
                                  QStringLiteral("A variable's name is letters, digits and '_', not starting "
                                                 "with a digit, at most 128 characters (NODE_ENV)."));
    }
    if (json.contains(QStringLiteral("value"))) {
        const QJsonValue given = json.value(QStringLiteral("value"));
        if (!given.isString() || given.toString().size() > MaxValue)
            return Error::invalid(
                QStringLiteral("value"),
                QStringLiteral("value is a string of at most %1 characters.").arg(MaxValue));
        *value = given.toString();
    }
    if (json.contains(QStringLiteral("secret"))) {
        if (!json.value(QStringLiteral("secret")).isBool())
            return Error::invalid(QStringLiteral("secret"), QStringLiteral("secret must be true or false."));
        const bool secret = json.value(QStringLiteral("secret")).toBool();
        // A secret's value was never shown: making it plain would show it now.
        if (v->secret && !secret && !value->has_value())
            return Error::invalid(QStringLiteral("value"),
                                  QStringLiteral("Give a new value to make a secret variable plain; the "
                                                 "secret value is never shown."));
        v->secret = secret;
    }
    return std::nullopt;
}
} // namespace

std::optional<QString> SitesService::plainValue(const Variable &variable) const
{
    if (variable.secret)
        return std::nullopt;
    const std::optional<QByteArray> opened = m_secrets.open(variable.sealedValue);
    if (!opened)
        return std::nullopt;
    return QString::fromUtf8(*opened);
}

QCoro::Task<Result<QList<Variable>>> SitesService::variables(QString siteId)
{
    QCoro::Task<Result<Site>> reading = site(siteId);
    const Result<Site> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    QCoro::Task<Result<QList<Variable>>> listing =
        m_database->attempt([siteId](QSqlDatabase &db) { return SitesStore::variables(db, siteId); });
    co_return co_await listing;
}

QCoro::Task<Result<Variable>> SitesService::createVariable(QString siteId, QJsonObject json)
{
    Variable v;
    v.id = newId();
    v.siteId = siteId;
    std::optional<QString> value;
    if (std::optional<Error> wrong = readVariable(json, true, &v, &value))
        co_return *wrong;
    v.sealedValue = m_secrets.seal(value->toUtf8());
    v.createdAtMs = v.updatedAtMs = m_settings.clock->nowMs();
    QCoro::Task<Result<SitesStore::Write>> writing =
        m_database->attempt([v](QSqlDatabase &db) { return SitesStore::insertVariable(db, v); });
    const Result<SitesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (*written == SitesStore::Write::NotFound)
        co_return Error::notFound(QStringLiteral("There is no site %1.").arg(siteId), "site-not-found");
    if (*written == SitesStore::Write::NameTaken)
        co_return nameTaken(v.name);
    co_return v;
}

QCoro::Task<Result<std::pair<Variable, Variable>>> SitesService::updateVariable(QString siteId, QString id,
                                                                                QJsonObject json)
{
    QCoro::Task<Result<std::optional<Variable>>> reading =
        m_database->attempt([siteId, id](QSqlDatabase &db) { return SitesStore::variable(db, siteId, id); });
    const Result<std::optional<Variable>> before = co_await reading;
    if (!before)
        co_return before.error();
    if (!before->has_value())
        co_return variableNotFound(siteId, id);
    Variable after = **before;
    std::optional<QString> value;
    if (std::optional<Error> wrong = readVariable(json, false, &after, &value))
        co_return *wrong;
    if (value)
        after.sealedValue = m_secrets.seal(value->toUtf8());
    after.updatedAtMs = m_settings.clock->nowMs();
    QCoro::Task<Result<SitesStore::Write>> writing =
        m_database->attempt([after](QSqlDatabase &db) { return SitesStore::updateVariable(db, after); });
    const Result<SitesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (*written == SitesStore::Write::NotFound)
        co_return variableNotFound(siteId, id);
    if (*written == SitesStore::Write::NameTaken)
        co_return nameTaken(after.name);
    co_return std::pair<Variable, Variable>{**before, after};
}

QCoro::Task<Result<Variable>> SitesService::deleteVariable(QString siteId, QString id)
{
    QCoro::Task<Result<std::optional<Variable>>> removing =
        m_database->attempt([siteId, id](QSqlDatabase &db) -> std::optional<Variable> {
            std::optional<Variable> v = SitesStore::variable(db, siteId, id);
            if (v && !SitesStore::removeVariable(db, siteId, id))
                return std::nullopt;
            return v;
        });
    const Result<std::optional<Variable>> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    if (!removed->has_value())
        co_return variableNotFound(siteId, id);
    co_return **removed;
}

} // namespace Meshdeck::Sites
