#include "services/gateway/gatewayroute.h"

#include "platform/clock.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <QUrl>

#include <array>
#include <cmath>
#include <initializer_list>

namespace Meshdeck::Gateway {

namespace {

// The methods a route may name. CONNECT is left out: the gateway does not tunnel.
constexpr std::array<const char *, 8> KnownMethods = {"GET",    "HEAD",  "POST",    "PUT",
                                                      "DELETE", "PATCH", "OPTIONS", "TRACE"};

constexpr qint64 MaxBodyLimit = 16LL * 1024 * 1024 * 1024; // bodies stream: the limit is policy, not memory
constexpr int MaxPrefixLength = 256;

QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

// Reads one object's fields, refusing a key it does not know, and remembers the first refusal.
class Reader
{
public:
    Reader(const QJsonObject &object, QString path)
        : m_object(object)
        , m_path(std::move(path))
    {}

    bool failed() const { return m_error.has_value(); }
    const Error &error() const { return *m_error; }
    Error take() { return std::move(*m_error); }

    QString field(const QString &key) const { return m_path.isEmpty() ? key : m_path + u'.' + key; }

    void fail(const QString &field, QString reason)
    {
        if (!m_error)
            m_error = Error::invalid(field, std::move(reason));
    }
    void fail(Error error)
    {
        if (!m_error)
            m_error = std::move(error);
    }

    // Every key must be one of `known`.
    void onlyKeys(std::initializer_list<const char *> known)
    {
        for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
            bool ok = false;
            for (const char *k : known)
                ok |= it.key() == QLatin1String(k);
            if (!ok) {
                QStringList names;
                for (const char *k : known)
                    names << str(k);
                fail(field(it.key()), QStringLiteral("Unknown field \"%1\"; the fields here are: %2.")
                                          .arg(it.key(), names.join(QStringLiteral(", "))));
                return;
            }
        }
    }

    bool has(const char *key) const { return m_object.contains(QLatin1String(key)); }
    QJsonValue value(const char *key) const { return m_object.value(QLatin1String(key)); }

    // A whole number in [min, max]; `unit` is said in the reason.
    qint64 integer(const char *key, qint64 min, qint64 max, qint64 fallback, const char *unit)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || std::isnan(d) || d != std::floor(d) || d < double(min) || d > double(max)) {
            fail(field(str(key)),
                 QStringLiteral("Give a whole number from %1 to %2 (%3).").arg(min).arg(max).arg(str(unit)));
            return fallback;
        }
        return qint64(d);
    }

    bool boolean(const char *key, bool fallback)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            fail(field(str(key)), QStringLiteral("Give true or false."));
            return fallback;
        }
        return v.toBool();
    }

    // A string; `required`: absent is a refusal too.
    QString string(const char *key, bool required, const QString &what)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString()) {
            fail(field(str(key)), QStringLiteral("Give %1 as a string.").arg(what));
            return {};
        }
        return v.toString();
    }

    // One of `names` (index into it), or `fallback` when absent.
    int choice(const char *key, std::initializer_list<const char *> names, int fallback)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined())
            return fallback;
        int i = 0;
        for (const char *n : names) {
            if (v.isString() && v.toString() == QLatin1String(n))
                return i;
            ++i;
        }
        QStringList all;
        for (const char *n : names)
            all << QLatin1Char('"') + str(n) + QLatin1Char('"');
        fail(field(str(key)), QStringLiteral("Give one of %1.").arg(all.join(QStringLiteral(", "))));
        return fallback;
    }

    // An array of strings (absent: empty); each item checked by `check` (empty answer: fine).
    template<typename Check> QStringList strings(const char *key, Check check, bool unique = true)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray()) {
            fail(field(str(key)), QStringLiteral("Give a list of strings."));
            return {};
        }
        QStringList out;
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString item = field(str(key)) + QStringLiteral("[%1]").arg(i);
            if (!array.at(i).isString()) {
                fail(item, QStringLiteral("Give a string."));
                return {};
            }
            const QString s = array.at(i).toString();
            if (const QString reason = check(s); !reason.isEmpty()) {
                fail(item, reason);
                return {};
            }
            if (unique && out.contains(s)) {
                fail(item, QStringLiteral("\"%1\" is listed twice; list it once.").arg(s));
                return {};
            }
            out << s;
        }
        return out;
    }

    // An object (absent: nullopt, no refusal); a non-object is refused.
    std::optional<QJsonObject> object(const char *key)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isObject()) {
            fail(field(str(key)),
                 QStringLiteral("Give a JSON object here, with the fields the API documents."));
            return std::nullopt;
        }
        return v.toObject();
    }

private:
    const QJsonObject &m_object;
    QString m_path;
    std::optional<Error> m_error;
};

QString methodProblem(const QString &method)
{
    for (const char *m : KnownMethods) {
        if (method == QLatin1String(m))
            return {};
    }
    for (const char *m : KnownMethods) {
        if (method.compare(QLatin1String(m), Qt::CaseInsensitive) == 0)
            return QStringLiteral("HTTP methods are case-sensitive: write \"%1\".").arg(str(m));
    }
    return QStringLiteral("\"%1\" is not a method a route can name; give GET, HEAD, POST, PUT, DELETE, "
                          "PATCH, OPTIONS or TRACE.")
        .arg(method);
}

// RFC 9110 token: the characters a header name may have.
QString headerNameProblem(const QString &name)
{
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"));
    if (name.size() > 100 || !token.match(name).hasMatch())
        return QStringLiteral("\"%1\" is not a header name (letters, digits and !#$%&'*+.^_`|~- only).")
            .arg(name);
    return {};
}

// A path prefix as requests send it: ASCII, percent-encoded, no query or fragment.
QString pathPrefixProblem(const QString &prefix)
{
    if (prefix.isEmpty() || !prefix.startsWith(QLatin1Char('/')))
        return QStringLiteral("Start the path prefix with \"/\" (\"/\" matches every path).");
    if (prefix.size() > MaxPrefixLength)
        return QStringLiteral("Keep the path prefix to %1 characters.").arg(MaxPrefixLength);
    if (prefix.contains(QLatin1Char('?')) || prefix.contains(QLatin1Char('#')))
        return QStringLiteral("A path prefix has no query or fragment: leave out \"?\" and \"#\".");
    if (prefix.contains(QStringLiteral("..")))
        return QStringLiteral("A path prefix may not contain \"..\".");
    if (prefix.compare(QStringLiteral("/sites"), Qt::CaseInsensitive) == 0 ||
        prefix.startsWith(QStringLiteral("/sites/"), Qt::CaseInsensitive))
        return QStringLiteral("The gateway serves the sites' deployments under /sites/<siteId>/, so a route "
                              "there would never be reached; choose another prefix.");
    if (prefix.contains(QStringLiteral("//")))
        return QStringLiteral("A path prefix may not contain an empty segment (\"//\").");
    if (prefix.size() > 1 && prefix.endsWith(QLatin1Char('/')))
        return QStringLiteral("Leave out the trailing \"/\": \"%1\" already matches \"%2\" and every path "
                              "under it.")
            .arg(prefix.chopped(1), prefix);
    static const QRegularExpression pchars(QStringLiteral("^[A-Za-z0-9/\\-._~!$&'()*+,;=:@%]+$"));
    if (!pchars.match(prefix).hasMatch())
        return QStringLiteral("Write the path prefix as requests send it: percent-encode spaces and "
                              "characters outside ASCII letters, digits and -._~!$&'()*+,;=:@/.");
    static const QRegularExpression badPercent(QStringLiteral("%(?![0-9A-Fa-f]{2})"));
    if (badPercent.match(prefix).hasMatch())
        return QStringLiteral("\"%\" starts a percent-encoded byte: follow it with two hex digits.");
    return {};
}

bool isDnsName(const QString &host)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    if (host.size() > 253)
        return false;
    const QStringList labels = host.split(QLatin1Char('.'));
    for (const QString &l : labels) {
        if (!label.match(l).hasMatch())
            return false;
    }
    // An all-numeric name would be read as an IPv4 address by clients.
    static const QRegularExpression numeric(QStringLiteral("^[0-9.]+$"));
    return !numeric.match(host).hasMatch();
}

// The host as stored: lower case, IPv6 without brackets. Empty answer: `*problem` says why.
QString normalisedHost(const QString &given, QString *problem)
{
    QString host = given.trimmed().toLower();
    if (host.contains(QStringLiteral("://")) || host.contains(QLatin1Char('/'))) {
        *problem =
            QStringLiteral("Give the host name only, without a scheme or path (\"api.example.test\").");
        return {};
    }
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress ip;
    if (host.contains(QLatin1Char(':'))) {
        if (ip.setAddress(host) && ip.protocol() == QAbstractSocket::IPv6Protocol && !host.contains(u'%'))
            return ip.toString().toLower();
        *problem = QStringLiteral("Give the host without a port: the route matches every port.");
        return {};
    }
    static const QRegularExpression dotted(QStringLiteral("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$"));
    if (dotted.match(host).hasMatch() && ip.setAddress(host))
        return ip.toString();
    if (!isDnsName(host)) {
        *problem = QStringLiteral("Give a DNS name (letters, digits, \"-\" and dots, no trailing dot) or an "
                                  "IP address.");
        return {};
    }
    return host;
}

// An exact browser origin: scheme://host[:port], lower case, no path.
QString originProblem(const QString &origin)
{
    if (origin == QLatin1String("null"))
        return QStringLiteral("\"null\" is the origin of sandboxed and file pages, which anyone can forge; "
                              "list real origins.");
    if (origin == QLatin1String("*"))
        return {};
    const QUrl url(origin, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty() || !url.userInfo().isEmpty() || !url.path().isEmpty() || url.hasQuery() ||
        url.hasFragment())
        return QStringLiteral("Give an origin as scheme://host[:port] with http or https and no path "
                              "(\"https://app.example.test\").");
    const int defaultPort = scheme == QLatin1String("https") ? 443 : 80;
    QString canonical = scheme + QStringLiteral("://") +
                        (url.host().contains(QLatin1Char(':')) ? u'[' + url.host() + u']' : url.host());
    if (url.port() != -1 && url.port() != defaultPort)
        canonical += u':' + QString::number(url.port());
    if (canonical != origin)
        return QStringLiteral("Write the origin as browsers send it: \"%1\".").arg(canonical);
    return {};
}

void readMatch(Reader &top, RouteSpec &spec)
{
    const std::optional<QJsonObject> match = top.object("match");
    if (top.failed())
        return;
    if (!match) {
        top.fail(QStringLiteral("match"),
                 QStringLiteral("Give the requests the route takes: {\"pathPrefix\": \"/…\"}."));
        return;
    }
    Reader r(*match, QStringLiteral("match"));
    r.onlyKeys({"pathPrefix", "host", "methods"});
    spec.pathPrefix = r.string("pathPrefix", true, QStringLiteral("the path prefix (\"/billing\")"));
    if (!r.failed()) {
        if (const QString why = pathPrefixProblem(spec.pathPrefix); !why.isEmpty())
            r.fail(r.field(QStringLiteral("pathPrefix")), why);
    }
    if (!r.value("host").isNull())
        spec.host = r.string("host", false, QStringLiteral("the host name"));
    if (!r.failed() && !spec.host.isEmpty()) {
        QString why;
        spec.host = normalisedHost(spec.host, &why);
        if (!why.isEmpty())
            r.fail(r.field(QStringLiteral("host")), why);
    }
    if (!r.failed())
        spec.methods = r.strings("methods", methodProblem);
    if (r.failed())
        top.fail(r.take());
}

void readRateLimit(Reader &top, RouteSpec &spec)
{
    if (!top.has("rateLimit"))
        return; // the default policy
    if (top.value("rateLimit").isNull()) {
        spec.rateLimit.reset();
        return;
    }
    const std::optional<QJsonObject> object = top.object("rateLimit");
    if (!object)
        return;
    Reader r(*object, QStringLiteral("rateLimit"));
    r.onlyKeys({"requests", "perSeconds", "by"});
    RateLimitPolicy p;
    p.requests = int(r.integer("requests", 1, 1'000'000'000, p.requests, "requests"));
    p.perSeconds = int(r.integer("perSeconds", 1, 86'400, p.perSeconds, "seconds"));
    p.by = LimitBy(r.choice("by", {"key", "user", "ip"}, int(p.by)));
    if (!r.failed() && p.by != LimitBy::Ip && spec.auth != EdgeAuth::Required)
        r.fail(
            r.field(QStringLiteral("by")),
            QStringLiteral("Limiting by %1 needs a known caller: set \"auth\" to \"required\", or limit by "
                           "\"ip\".")
                .arg(limitByName(p.by)));
    if (r.failed())
        top.fail(r.take());
    else
        spec.rateLimit = p;
}

void readCors(Reader &top, RouteSpec &spec)
{
    if (!top.has("cors") || top.value("cors").isNull())
        return; // no CORS headers at all
    const std::optional<QJsonObject> object = top.object("cors");
    if (!object)
        return;
    Reader r(*object, QStringLiteral("cors"));
    r.onlyKeys({"origins", "methods", "headers", "exposeHeaders", "credentials", "maxAgeSeconds"});
    CorsPolicy p;
    p.credentials = r.boolean("credentials", false);
    p.origins = r.strings("origins", originProblem);
    if (!r.failed() && p.origins.isEmpty())
        r.fail(r.field(QStringLiteral("origins")),
               QStringLiteral("List at least one origin, or set \"cors\" to null for no CORS headers."));
    const qsizetype star = p.origins.indexOf(QStringLiteral("*"));
    if (!r.failed() && star >= 0 && p.credentials)
        r.fail(r.field(QStringLiteral("origins[%1]").arg(star)),
               QStringLiteral("\"*\" with credentials would let every site act as the signed-in user; list "
                              "the exact origins, or set credentials to false."));
    if (!r.failed() && star >= 0 && p.origins.size() > 1)
        r.fail(r.field(QStringLiteral("origins[%1]").arg(star)),
               QStringLiteral("\"*\" already allows every origin; list it alone."));
    if (!r.failed())
        p.methods = r.strings("methods", methodProblem);
    if (!r.failed())
        p.headers = r.strings("headers", headerNameProblem);
    if (!r.failed())
        p.exposeHeaders = r.strings("exposeHeaders", headerNameProblem);
    p.maxAgeSeconds = int(r.integer("maxAgeSeconds", 0, 86'400, p.maxAgeSeconds, "seconds"));
    if (r.failed())
        top.fail(r.take());
    else
        spec.cors = p;
}

void readBreaker(Reader &top, RouteSpec &spec)
{
    const std::optional<QJsonObject> object = top.object("breaker");
    if (!object)
        return;
    Reader r(*object, QStringLiteral("breaker"));
    r.onlyKeys({"failures", "coolDownMs", "halfOpenProbes"});
    BreakerPolicy p;
    p.failures = int(r.integer("failures", 1, 1000, p.failures, "consecutive failures"));
    p.coolDownMs = int(r.integer("coolDownMs", 100, 3'600'000, p.coolDownMs, "milliseconds"));
    p.halfOpenProbes = int(r.integer("halfOpenProbes", 1, 100, p.halfOpenProbes, "requests"));
    if (r.failed())
        top.fail(r.take());
    else
        spec.breaker = p;
}

void readScalars(Reader &r, RouteSpec &spec)
{
    static const QRegularExpression namePattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,62}$"));
    spec.name = r.string("name", true, QStringLiteral("the route a name"));
    if (!r.failed() && !namePattern.match(spec.name).hasMatch())
        r.fail(QStringLiteral("name"),
               QStringLiteral("Give a name of 1 to 63 lower-case letters, digits, \".\", \"_\" or \"-\", "
                              "starting with a letter or digit."));
    readMatch(r, spec);
    spec.service = r.string("service", true, QStringLiteral("the registry service's name"));
    if (!r.failed() && !namePattern.match(spec.service).hasMatch())
        r.fail(QStringLiteral("service"),
               QStringLiteral("Give a registry service name: 1 to 63 lower-case letters, digits, \".\", "
                              "\"_\" or \"-\", starting with a letter or digit."));
    spec.stripPrefix = r.boolean("stripPrefix", spec.stripPrefix);
    spec.timeoutMs = int(r.integer("timeoutMs", 1, 300'000, spec.timeoutMs, "milliseconds"));
    spec.retries = int(r.integer("retries", 0, 5, spec.retries, "retries on another instance"));
    spec.auth = EdgeAuth(r.choice("auth", {"none", "required"}, int(spec.auth)));
    spec.balancer =
        Balancer(r.choice("balancer", {"round_robin", "weighted", "least_outstanding"}, int(spec.balancer)));
    spec.maxBodyBytes =
        r.integer("maxBodyBytes", 0, MaxBodyLimit, spec.maxBodyBytes, "bytes, at most 16 GiB");
    const QJsonValue sample = r.value("accessLogSample");
    if (sample.isDouble() && sample.toDouble() >= 0 && sample.toDouble() <= 1)
        spec.accessLogSample = sample.toDouble();
    else if (!sample.isNull() && !sample.isUndefined())
        r.fail(r.field(QStringLiteral("accessLogSample")),
               QStringLiteral("Give the share of answers to log from 0 (errors only) to 1 (every answer), "
                              "or null for the server's default."));
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

Result<RouteSpec> parseRouteSpec(const QJsonObject &json)
{
    Reader r(json, QString());
    r.onlyKeys({"name", "match", "service", "stripPrefix", "timeoutMs", "retries", "auth", "rateLimit",
                "cors", "balancer", "maxBodyBytes", "breaker", "accessLogSample"});
    RouteSpec spec;
    if (!r.failed())
        readScalars(r, spec);
    if (!r.failed())
        readRateLimit(r, spec); // after auth: by key or user needs it
    if (!r.failed())
        readCors(r, spec);
    if (!r.failed())
        readBreaker(r, spec);
    if (r.failed())
        return r.take();
    return spec;
}

QJsonObject toJson(const RouteSpec &spec)
{
    QJsonObject match{{QStringLiteral("pathPrefix"), spec.pathPrefix},
                      {QStringLiteral("host"), orNull(spec.host)},
                      {QStringLiteral("methods"), QJsonArray::fromStringList(spec.methods)}};
    QJsonValue rateLimit(QJsonValue::Null);
    if (spec.rateLimit)
        rateLimit = QJsonObject{{QStringLiteral("requests"), spec.rateLimit->requests},
                                {QStringLiteral("perSeconds"), spec.rateLimit->perSeconds},
                                {QStringLiteral("by"), limitByName(spec.rateLimit->by)}};
    QJsonValue cors(QJsonValue::Null);
    if (spec.cors)
        cors = QJsonObject{
            {QStringLiteral("origins"), QJsonArray::fromStringList(spec.cors->origins)},
            {QStringLiteral("methods"), QJsonArray::fromStringList(spec.cors->methods)},
            {QStringLiteral("headers"), QJsonArray::fromStringList(spec.cors->headers)},
            {QStringLiteral("exposeHeaders"), QJsonArray::fromStringList(spec.cors->exposeHeaders)},
            {QStringLiteral("credentials"), spec.cors->credentials},
            {QStringLiteral("maxAgeSeconds"), spec.cors->maxAgeSeconds}};
    return QJsonObject{
        {QStringLiteral("name"), spec.name},
        {QStringLiteral("match"), match},
        {QStringLiteral("service"), spec.service},
        {QStringLiteral("stripPrefix"), spec.stripPrefix},
        {QStringLiteral("timeoutMs"), spec.timeoutMs},
        {QStringLiteral("retries"), spec.retries},
        {QStringLiteral("auth"),
         spec.auth == EdgeAuth::Required ? QStringLiteral("required") : QStringLiteral("none")},
        {QStringLiteral("rateLimit"), rateLimit},
        {QStringLiteral("cors"), cors},
        {QStringLiteral("balancer"), balancerName(spec.balancer)},
        {QStringLiteral("maxBodyBytes"), double(spec.maxBodyBytes)},
        {QStringLiteral("breaker"),
         QJsonObject{{QStringLiteral("failures"), spec.breaker.failures},
                     {QStringLiteral("coolDownMs"), spec.breaker.coolDownMs},
                     {QStringLiteral("halfOpenProbes"), spec.breaker.halfOpenProbes}}},
        {QStringLiteral("accessLogSample"),
         spec.accessLogSample ? QJsonValue(*spec.accessLogSample) : QJsonValue(QJsonValue::Null)},
    };
}

QJsonObject toJson(const Route &route)
{
    QJsonObject out = toJson(route.spec);
    out.insert(QStringLiteral("id"), route.id);
    out.insert(QStringLiteral("version"), double(route.version));
    out.insert(QStringLiteral("createdAt"), isoTime(route.createdAtMs));
    out.insert(QStringLiteral("updatedAt"), isoTime(route.updatedAtMs));
    out.insert(QStringLiteral("updatedBy"), route.updatedBy);
    return out;
}

QString balancerName(Balancer balancer)
{
    switch (balancer) {
    case Balancer::RoundRobin:
        return QStringLiteral("round_robin");
    case Balancer::Weighted:
        return QStringLiteral("weighted");
    case Balancer::LeastOutstanding:
        return QStringLiteral("least_outstanding");
    }
    return QStringLiteral("round_robin");
}

QString limitByName(LimitBy by)
{
    switch (by) {
    case LimitBy::Key:
        return QStringLiteral("key");
    case LimitBy::User:
        return QStringLiteral("user");
    case LimitBy::Ip:
        return QStringLiteral("ip");
    }
    return QStringLiteral("ip");
}

bool isIdempotent(QByteArrayView method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
           method == "DELETE" || method == "TRACE";
}

} // namespace Meshdeck::Gateway
