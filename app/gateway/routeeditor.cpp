#include "routeeditor.h"

#include "api/apiclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>

namespace Meshdeck::Console {

namespace {
QString encoded(const QString &segment)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(segment));
}

QString localDateTime(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss")) : iso;
}

// A JSON value as a person reads it in a list of changes.
QString shown(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return RouteEditor::tr("none");
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? RouteEditor::tr("yes") : RouteEditor::tr("no");
    if (value.isDouble())
        return QLocale::c().toString(value.toDouble(), 'g', 15);
    return QString::fromUtf8(value.isArray()
                                 ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// The stored route's own fields: the API takes them only as the version edited.
const QStringList StoredFields{QStringLiteral("id"), QStringLiteral("version"), QStringLiteral("createdAt"),
                               QStringLiteral("updatedAt"), QStringLiteral("updatedBy")};
} // namespace

QVariant RouteVersionsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *v = rowAt(index);
    if (!v)
        return {};
    const QString action = v->value(QStringLiteral("action")).toString();
    switch (role) {
    case VersionRole:
        return v->value(QStringLiteral("version")).toInteger();
    case ActionRole:
        return action;
    case ActionTextRole:
        if (action == QLatin1String("created"))
            return RouteEditor::tr("created");
        if (action == QLatin1String("deleted"))
            return RouteEditor::tr("deleted");
        if (action == QLatin1String("restored"))
            return RouteEditor::tr("restored");
        return RouteEditor::tr("updated");
    case AtRole:
        return localDateTime(v->value(QStringLiteral("at")).toString());
    case ByRole:
        return v->value(QStringLiteral("by")).toString();
    case Qt::DisplayRole:
    case SummaryRole: {
        const QJsonObject route = v->value(QStringLiteral("route")).toObject();
        if (route.isEmpty())
            return QString();
        const QJsonObject match = route.value(QStringLiteral("match")).toObject();
        return RouteEditor::tr("%1%2 → %3, timeout %4 ms, %5 retries")
            .arg(match.value(QStringLiteral("host")).toString(),
                 match.value(QStringLiteral("pathPrefix")).toString(),
                 route.value(QStringLiteral("service")).toString())
            .arg(route.value(QStringLiteral("timeoutMs")).toInteger())
            .arg(route.value(QStringLiteral("retries")).toInteger());
    }
    case RestorableRole:
        // A deletion has no spec of its own; every other version can be made current again.
        return !v->value(QStringLiteral("route")).toObject().isEmpty();
    default:
        return {};
    }
}

QHash<int, QByteArray> RouteVersionsModel::roleNames() const
{
    return {
        {VersionRole, "version"}, {ActionRole, "action"},   {ActionTextRole, "actionText"}, {AtRole, "at"},
        {ByRole, "by"},           {SummaryRole, "summary"}, {RestorableRole, "restorable"}};
}

RouteEditor::RouteEditor(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_route(defaults())
{}

QJsonObject RouteEditor::defaults()
{
    // gatewayroute.h's defaults, so the form shows what an omitted field would be.
    return QJsonObject{
        {QStringLiteral("name"), QString()},
        {QStringLiteral("match"), QJsonObject{{QStringLiteral("pathPrefix"), QStringLiteral("/")},
                                              {QStringLiteral("host"), QString()},
                                              {QStringLiteral("methods"), QJsonArray{}}}},
        {QStringLiteral("service"), QString()},
        {QStringLiteral("stripPrefix"), false},
        {QStringLiteral("timeoutMs"), 15000},
        {QStringLiteral("retries"), 1},
        {QStringLiteral("auth"), QStringLiteral("none")},
        {QStringLiteral("rateLimit"), QJsonObject{{QStringLiteral("requests"), 1000},
                                                  {QStringLiteral("perSeconds"), 60},
                                                  {QStringLiteral("by"), QStringLiteral("ip")}}},
        {QStringLiteral("cors"), QJsonValue::Null},
        {QStringLiteral("balancer"), QStringLiteral("round_robin")},
        {QStringLiteral("maxBodyBytes"), 1048576},
        {QStringLiteral("breaker"), QJsonObject{{QStringLiteral("failures"), 5},
                                                {QStringLiteral("coolDownMs"), 30000},
                                                {QStringLiteral("halfOpenProbes"), 1}}},
        {QStringLiteral("accessLogSample"), QJsonValue::Null}};
}

QJsonObject RouteEditor::specOf(const QVariantMap &form)
{
    QJsonObject spec = QJsonObject::fromVariantMap(form);
    for (const QString &field : StoredFields)
        spec.remove(field);
    // Whole numbers as the API takes them (QML hands every number over as a double).
    const auto whole = [](QJsonObject &o, const QString &key) {
        if (o.value(key).isDouble())
            o.insert(key, qint64(o.value(key).toDouble()));
    };
    whole(spec, QStringLiteral("timeoutMs"));
    whole(spec, QStringLiteral("retries"));
    whole(spec, QStringLiteral("maxBodyBytes"));
    for (const QString &policy :
         {QStringLiteral("rateLimit"), QStringLiteral("breaker"), QStringLiteral("cors")}) {
        if (!spec.value(policy).isObject())
            continue;
        QJsonObject o = spec.value(policy).toObject();
        for (const QString &key : o.keys())
            whole(o, key);
        spec.insert(policy, o);
    }
    // An empty host matches any host: the API's form of that is no host at all.
    QJsonObject match = spec.value(QStringLiteral("match")).toObject();
    if (match.value(QStringLiteral("host")).toString().isEmpty())
        match.remove(QStringLiteral("host"));
    spec.insert(QStringLiteral("match"), match);
    return spec;
}

const QStringList &RouteEditor::formFields()
{
    static const QStringList fields{
        QStringLiteral("name"),
        QStringLiteral("match.pathPrefix"),
        QStringLiteral("match.host"),
        QStringLiteral("match.methods"),
        QStringLiteral("service"),
        QStringLiteral("stripPrefix"),
        QStringLiteral("timeoutMs"),
        QStringLiteral("retries"),
        QStringLiteral("auth"),
        QStringLiteral("rateLimit"),
        QStringLiteral("rateLimit.requests"),
        QStringLiteral("rateLimit.perSeconds"),
        QStringLiteral("rateLimit.by"),
        QStringLiteral("cors"),
        QStringLiteral("cors.origins"),
        QStringLiteral("cors.credentials"),
        QStringLiteral("balancer"),
        QStringLiteral("maxBodyBytes"),
        QStringLiteral("breaker"),
        QStringLiteral("breaker.failures"),
        QStringLiteral("breaker.coolDownMs"),
        QStringLiteral("breaker.halfOpenProbes"),
        QStringLiteral("accessLogSample"),
    };
    return fields;
}

QString RouteEditor::formFieldOf(const QString &apiField)
{
    static const QRegularExpression index(QStringLiteral("\\[\\d+\\]"));
    QString field = apiField;
    field.remove(index);
    return field;
}

void RouteEditor::addFieldError(const QString &apiField, const QString &reason)
{
    const QString field = formFieldOf(apiField);
    const QString before = m_fieldErrors.value(field).toString();
    m_fieldErrors.insert(field,
                         before.isEmpty() || before == reason ? reason : before + QLatin1Char(' ') + reason);
}

QStringList RouteEditor::otherErrors() const
{
    QStringList out;
    for (auto it = m_fieldErrors.cbegin(); it != m_fieldErrors.cend(); ++it) {
        if (!formFields().contains(it.key()))
            out << (it.key().isEmpty() ? it.value().toString()
                                       : tr("%1: %2").arg(it.key(), it.value().toString()));
    }
    return out;
}

QString RouteEditor::formError() const
{
    QStringList lines = otherErrors();
    if (!m_error.isEmpty())
        lines.prepend(m_error);
    return lines.join(QLatin1Char('\n'));
}

void RouteEditor::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void RouteEditor::clearErrors()
{
    m_error.clear();
    m_fieldErrors.clear();
    m_conflict.clear();
    Q_EMIT errorsChanged();
}

void RouteEditor::clearPreview()
{
    m_hasPreview = false;
    m_previewValid = false;
    m_previewChanges.clear();
    m_previewOverlaps.clear();
    m_previewService.clear();
    Q_EMIT previewChanged();
}

void RouteEditor::setRoute(const QJsonObject &route)
{
    m_route = defaults();
    for (auto it = route.constBegin(); it != route.constEnd(); ++it)
        m_route.insert(it.key(), it.value());
    m_routeId = route.value(QStringLiteral("id")).toString();
    m_version = route.value(QStringLiteral("version")).toInteger();
    Q_EMIT routeChanged();
}

void RouteEditor::createNew()
{
    ++m_generation;
    setBusy(false);
    clearErrors();
    clearPreview();
    m_versions.setRows(QList<QJsonObject>{});
    setRoute({});
}

void RouteEditor::edit(const QString &routeId)
{
    if (routeId.isEmpty()) {
        createNew();
        return;
    }
    ++m_generation;
    clearErrors();
    clearPreview();
    QCoro::connect(load(routeId), this, [] {});
}

void RouteEditor::reset()
{
    createNew();
}

QCoro::Task<void> RouteEditor::load(QString routeId)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    setBusy(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/gateway/routes/") + encoded(routeId));
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        m_error = reply.status == 404 ? tr("This route no longer exists (it was deleted).")
                                      : tr("Could not load the route: %1").arg(reply.error);
        Q_EMIT errorsChanged();
        co_return;
    }
    setRoute(reply.json.object());
}

void RouteEditor::takeRefusal(const ApiReply &reply, const QString &what)
{
    const QJsonObject problem = reply.json.object();
    m_fieldErrors.clear();
    m_conflict.clear();
    m_error.clear();
    const QString detail = problem.value(QStringLiteral("detail")).toString();
    const QString reason =
        problem.value(QStringLiteral("reason")).toString(detail.isEmpty() ? reply.error : detail);
    if (reply.status == 409 && reply.problemCode == QLatin1String("version-conflict")) {
        const qint64 current = problem.value(QStringLiteral("currentVersion"))
                                   .toInteger(problem.value(QStringLiteral("version")).toInteger());
        QString by = problem.value(QStringLiteral("updatedBy")).toString();
        if (by.isEmpty())
            by = problem.value(QStringLiteral("by")).toString();
        m_conflict =
            by.isEmpty()
                ? tr("This route was changed while you edited version %1: it is version %2 now. Reload "
                     "it to see that change; your edits here are not saved.")
                      .arg(m_version)
                      .arg(current)
                : tr("%1 changed this route while you edited version %2: it is version %3 now. Reload "
                     "it to see their change; your edits here are not saved.")
                      .arg(by)
                      .arg(m_version)
                      .arg(current);
    } else if (reply.status == 409 && reply.problemCode == QLatin1String("route-exists")) {
        m_fieldErrors.insert(QStringLiteral("name"), reason);
    } else if (reply.status == 409 && reply.problemCode == QLatin1String("route-conflict")) {
        m_fieldErrors.insert(QStringLiteral("match.pathPrefix"), reason);
    } else if (reply.status == 400 &&
               (problem.contains(QStringLiteral("field")) || problem.contains(QStringLiteral("errors")))) {
        if (problem.contains(QStringLiteral("field")))
            addFieldError(problem.value(QStringLiteral("field")).toString(), reason);
        for (const QJsonValue &v : problem.value(QStringLiteral("errors")).toArray()) {
            const QJsonObject e = v.toObject();
            addFieldError(e.value(QStringLiteral("field")).toString(),
                          e.value(QStringLiteral("reason")).toString());
        }
    } else {
        m_error = tr("%1: %2").arg(what, reply.error);
    }
    Q_EMIT errorsChanged();
}

void RouteEditor::preview(const QVariantMap &spec)
{
    QJsonObject body = specOf(spec);
    if (!m_routeId.isEmpty())
        body.insert(QStringLiteral("id"), m_routeId);
    QCoro::connect(postPreview(QJsonDocument(body).toJson(QJsonDocument::Compact)), this, [] {});
}

QCoro::Task<void> RouteEditor::postPreview(QByteArray body)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    setBusy(true);
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/gateway/routes/preview"), body);
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        clearPreview();
        takeRefusal(reply, tr("The preview failed"));
        co_return;
    }
    const QJsonObject p = reply.json.object();
    m_fieldErrors.clear();
    m_error.clear();
    m_conflict.clear();
    for (const QJsonValue &v : p.value(QStringLiteral("errors")).toArray()) {
        const QJsonObject e = v.toObject();
        addFieldError(e.value(QStringLiteral("field")).toString(),
                      e.value(QStringLiteral("reason")).toString());
    }
    Q_EMIT errorsChanged();
    m_hasPreview = true;
    m_previewValid = p.value(QStringLiteral("valid")).toBool();
    m_previewChanges.clear();
    for (const QJsonValue &v : p.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        m_previewChanges << tr("%1: %2 → %3")
                                .arg(c.value(QStringLiteral("field")).toString(),
                                     shown(c.value(QStringLiteral("before"))),
                                     shown(c.value(QStringLiteral("after"))));
    }
    m_previewOverlaps.clear();
    for (const QJsonValue &v : p.value(QStringLiteral("overlaps")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        const QString relation = o.value(QStringLiteral("relation")).toString();
        if (relation == QLatin1String("shadows"))
            m_previewOverlaps
                << tr("Takes requests that route %1 gets today (this match is more specific).").arg(name);
        else if (relation == QLatin1String("shadowed-by"))
            m_previewOverlaps << tr("Route %1 is more specific and keeps part of these requests.").arg(name);
        else
            m_previewOverlaps << tr("Route %1 has the same match: saving is refused.").arg(name);
    }
    const QJsonValue service = p.value(QStringLiteral("service"));
    if (service.isObject()) {
        const QJsonObject s = service.toObject();
        const int instances = s.value(QStringLiteral("instances")).toInt();
        const int passing = s.value(QStringLiteral("passing")).toInt();
        m_previewService = instances == 0
                               ? tr("Service %1 has no instance yet: requests get 503 until one registers.")
                                     .arg(s.value(QStringLiteral("name")).toString())
                               : tr("Service %1: %n instance(s), %2 passing.", nullptr, instances)
                                     .arg(s.value(QStringLiteral("name")).toString())
                                     .arg(passing);
    } else {
        m_previewService = tr("No service of that name is registered: requests get 503 until one registers.");
    }
    Q_EMIT previewChanged();
}

void RouteEditor::save(const QVariantMap &spec)
{
    QJsonObject body = specOf(spec);
    if (!m_routeId.isEmpty())
        body.insert(QStringLiteral("version"), m_version);
    QCoro::connect(put(m_routeId, QJsonDocument(body).toJson(QJsonDocument::Compact)), this, [] {});
}

QCoro::Task<void> RouteEditor::put(QString routeId, QByteArray body)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    setBusy(true);
    ApiReply reply;
    if (routeId.isEmpty())
        reply = co_await m_api->post(QStringLiteral("/v1/gateway/routes"), body);
    else
        reply = co_await m_api->send("PUT", QStringLiteral("/v1/gateway/routes/") + encoded(routeId), body);
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        takeRefusal(reply, tr("The route was not saved"));
        co_return;
    }
    clearErrors();
    clearPreview();
    const QJsonObject route = reply.json.object();
    setRoute(route);
    Q_EMIT saved(m_routeId, routeId.isEmpty()
                                ? tr("Route %1 created.").arg(route.value(QStringLiteral("name")).toString())
                                : tr("Route %1 saved as version %2.")
                                      .arg(route.value(QStringLiteral("name")).toString())
                                      .arg(m_version));
}

void RouteEditor::remove(const QString &routeId, qint64 version)
{
    ++m_generation;
    QCoro::connect(deleteRoute(routeId, version), this, [] {});
}

QCoro::Task<void> RouteEditor::deleteRoute(QString routeId, qint64 version)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    setBusy(true);
    const ApiReply reply = co_await m_api->send(
        "DELETE", QStringLiteral("/v1/gateway/routes/%1?version=%2").arg(encoded(routeId)).arg(version), {});
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        m_version = version;
        takeRefusal(reply, tr("The route was not deleted"));
        Q_EMIT failed(reply.status == 409 ? m_conflict.isEmpty() ? reply.error : m_conflict
                                          : tr("The route was not deleted: %1").arg(reply.error));
        co_return;
    }
    clearErrors();
    Q_EMIT removed(routeId, tr("Route deleted. Its history keeps it: restore it from there."));
}

void RouteEditor::loadVersions(const QString &routeId)
{
    QCoro::connect(fetchVersions(routeId), this, [] {});
}

QCoro::Task<void> RouteEditor::fetchVersions(QString routeId)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    m_versions.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/gateway/routes/%1/versions").arg(encoded(routeId)));
    if (!self || generation != m_generation)
        co_return;
    m_versions.setLoading(false);
    if (!reply.ok()) {
        m_versions.fail(tr("Could not load the route's history: %1").arg(reply.error));
        co_return;
    }
    m_versions.setRows(reply.json.object().value(QStringLiteral("versions")).toArray());
}

void RouteEditor::restore(const QString &routeId, qint64 version)
{
    QCoro::connect(postRestore(routeId, version), this, [] {});
}

QCoro::Task<void> RouteEditor::postRestore(QString routeId, qint64 version)
{
    QPointer<RouteEditor> self(this);
    const quint64 generation = m_generation;
    setBusy(true);
    const ApiReply reply = co_await m_api->post(
        QStringLiteral("/v1/gateway/routes/%1/versions/%2/restore").arg(encoded(routeId)).arg(version), {});
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        takeRefusal(reply, tr("Version %1 was not restored").arg(version));
        Q_EMIT failed(tr("Version %1 was not restored: %2").arg(version).arg(reply.error));
        co_return;
    }
    clearErrors();
    const QJsonObject route = reply.json.object();
    setRoute(route);
    Q_EMIT restored(routeId, tr("Version %1 restored as version %2.").arg(version).arg(m_version));
    QCoro::connect(fetchVersions(routeId), this, [] {});
}

} // namespace Meshdeck::Console
