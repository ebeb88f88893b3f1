#include "echorole.h"

#include "core/settings.h"
#include "core/unixsignals.h"
#include "http/dispatcher.h"
#include "http/httpserver.h"
#include "http/problem.h"
#include "http/router.h"
#include "roles/registrar.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTimer>

#include <QCoroTimer>

#include <atomic>
#include <cstdio>

Q_LOGGING_CATEGORY(lcEcho, "meshdeck.echo")

namespace Meshdeck::Echo {

using namespace Meshdeck::Http;

namespace {

struct Options {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;
    QUrl registry;
    QByteArray token;
    QString service = QStringLiteral("echo");
    QString version = QStringLiteral(MESHDECK_VERSION);
    QString check = QStringLiteral("http");
    int intervalMs = 10'000;
    int timeoutMs = 2'000;
    int ttlMs = 10'000;
    int healthyThreshold = 2;
    int unhealthyThreshold = 3;
    int heartbeatMs = 0; // 0: a third of the TTL, or 5 s for active checks
    int weight = 100;
    QStringList tags;
};

// What POST /control changes; read by the handlers on the server's threads.
struct Behaviour {
    std::atomic<bool> failing{false};
    std::atomic<int> delayMs{0};
    std::atomic<bool> heartbeats{true};
    std::atomic<int> inFlight{0};
    std::atomic<int> echoStatus{200}; // what every echoed request answers
    // Streamed bodies that ended short: an upload whose client left (or failed), a download whose
    // reader left. The gateway's tests read them to see an exchange aborted upstream.
    std::atomic<int> abortedUploads{0};
    std::atomic<int> abortedDownloads{0};
    QByteArray instance; // "address:port", in every echo
};

QJsonObject behaviourJson(const Behaviour &b)
{
    return QJsonObject{{QStringLiteral("fail"), b.failing.load()},
                       {QStringLiteral("delayMs"), b.delayMs.load()},
                       {QStringLiteral("heartbeats"), b.heartbeats.load()},
                       {QStringLiteral("inFlight"), b.inFlight.load()},
                       {QStringLiteral("abortedUploads"), b.abortedUploads.load()},
                       {QStringLiteral("abortedDownloads"), b.abortedDownloads.load()}};
}

// N bytes of 'x', made as the reader takes them (never held whole); with dieAfter, the body fails
// after that many bytes, as an upstream that dies mid-body would.
class Generator : public std::enable_shared_from_this<Generator>
{
public:
    Generator(std::weak_ptr<BodyPipe> pipe, qint64 total, qint64 dieAfter, Behaviour *behaviour)
        : m_pipe(std::move(pipe))
        , m_left(total)
        , m_dieAfter(dieAfter)
        , m_behaviour(behaviour)
        , m_block(64 * 1024, 'x')
    {}

    void run()
    {
        const std::shared_ptr<BodyPipe> pipe = m_pipe.lock();
        if (!pipe)
            return;
        if (pipe->abandoned()) {
            ++m_behaviour->abortedDownloads;
            return;
        }
        while (pipe->writable() && m_left > 0) {
            qint64 n = qMin<qint64>(m_left, m_block.size());
            if (m_dieAfter >= 0)
                n = qMin(n, m_dieAfter - m_sent);
            if (n > 0) {
                pipe->push(n == m_block.size() ? m_block : m_block.first(qsizetype(n)));
                m_sent += n;
                m_left -= n;
            }
            if (m_dieAfter >= 0 && m_sent >= m_dieAfter) {
                pipe->fail(BodyError::UpstreamFailed, QStringLiteral("the echo died mid-body (dieAfter)"));
                return;
            }
        }
        if (m_left == 0) {
            pipe->end();
            return;
        }
        pipe->onWritable([self = shared_from_this()] { self->run(); });
    }

private:
    std::weak_ptr<BodyPipe> m_pipe;
    qint64 m_left;
    qint64 m_dieAfter;
    qint64 m_sent = 0;
    Behaviour *m_behaviour;
    QByteArray m_block;
};

// Reads the rest of a streamed request body into `request.body`; false (and `failure` set) when it
// failed.
QCoro::Task<bool> collectBody(Request *request, Response *failure)
{
    if (!request->bodySource)
        co_return true;
    const BodySourcePtr source = std::exchange(request->bodySource, nullptr);
    while (true) {
        BodyChunk chunk = co_await source->next();
        if (chunk.end)
            co_return true;
        if (chunk.failed()) {
            *failure = problem(*request, chunk.error == BodyError::TooLarge ? 413 : 400, chunk.reason,
                               "body-failed");
            co_return false;
        }
        request->body += chunk.bytes;
    }
}

// ?digest=1: the body's size and SHA-256, computed as it streams in (never held whole).
QCoro::Task<Response> digest(Behaviour *b, Request request)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 bytes = request.body.size();
    hash.addData(request.body);
    if (const BodySourcePtr source = std::exchange(request.bodySource, nullptr)) {
        while (true) {
            BodyChunk chunk = co_await source->next();
            if (chunk.end)
                break;
            if (chunk.failed()) {
                ++b->abortedUploads;
                co_return problem(request, chunk.error == BodyError::TooLarge ? 413 : 400, chunk.reason,
                                  "body-failed");
            }
            bytes += chunk.bytes.size();
            hash.addData(chunk.bytes);
        }
    }
    Response r = Response::json(
        200, QJsonObject{{QStringLiteral("bytes"), bytes},
                         {QStringLiteral("sha256"), QString::fromLatin1(hash.result().toHex())},
                         {QStringLiteral("instance"), QString::fromLatin1(b->instance)}});
    r.setHeader("x-echo-instance", b->instance);
    co_return r;
}

QCoro::Task<Response> health(Behaviour *b, Request)
{
    const int delay = b->delayMs.load();
    if (delay > 0)
        co_await QCoro::sleepFor(std::chrono::milliseconds(delay));
    if (b->failing.load())
        co_return Response::json(
            503, QJsonObject{{QStringLiteral("status"), QStringLiteral("failing")},
                             {QStringLiteral("reason"), QStringLiteral("told to fail (POST /control)")}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
}

// Any other path: what arrived, and which instance answered. ?delayMs=N waits first, ?status=N
// answers that status, ?bytes=N answers N bytes of text instead of the JSON (over 1 MiB streamed
// as they are sent; ?chunked=1 without a Content-Length; ?dieAfter=K fails after K bytes), and
// ?digest=1 answers the body's size and SHA-256 instead.
QCoro::Task<Response> echo(Behaviour *b, Request request)
{
    if (request.queryItem(QStringLiteral("digest")) == QLatin1String("1"))
        co_return co_await digest(b, std::move(request));
    if (Response failure; !co_await collectBody(&request, &failure)) {
        ++b->abortedUploads;
        co_return failure;
    }
    ++b->inFlight;
    const int wait = request.queryItem(QStringLiteral("delayMs")).toInt();
    if (wait > 0)
        co_await QCoro::sleepFor(std::chrono::milliseconds(qMin(wait, 60'000)));
    --b->inFlight;
    bool given = false;
    const int asked = request.queryItem(QStringLiteral("status")).toInt(&given);
    const int status = given && asked >= 200 && asked <= 599 ? asked : b->echoStatus.load();
    if (const qint64 bytes = request.queryItem(QStringLiteral("bytes")).toLongLong(); bytes > 0) {
        bool dies = false;
        const qint64 dieAfter = request.queryItem(QStringLiteral("dieAfter")).toLongLong(&dies);
        const bool chunked = request.queryItem(QStringLiteral("chunked")) == QLatin1String("1");
        if (bytes <= 1024 * 1024 && !dies && !chunked) {
            Response r = Response::text(status, QByteArray(bytes, 'x'));
            r.setHeader("x-echo-instance", b->instance);
            co_return r;
        }
        Response r = Response::text(status, {});
        auto pipe = std::make_shared<BodyPipe>(chunked ? -1 : qMin<qint64>(bytes, 1LL << 40));
        r.bodySource = std::make_shared<BodySource>(pipe);
        std::make_shared<Generator>(pipe, qMin<qint64>(bytes, 1LL << 40),
                                    dies ? qMax<qint64>(dieAfter, 0) : -1, b)
            ->run();
        r.setHeader("x-echo-instance", b->instance);
        co_return r;
    }
    QJsonObject headers;
    for (const auto &[name, value] : request.headers)
        headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    Response r =
        Response::json(status, QJsonObject{{QStringLiteral("method"), QString::fromLatin1(request.method)},
                                           {QStringLiteral("path"), QString::fromUtf8(request.path)},
                                           {QStringLiteral("query"), QString::fromUtf8(request.query)},
                                           {QStringLiteral("headers"), headers},
                                           {QStringLiteral("instance"), QString::fromLatin1(b->instance)},
                                           {QStringLiteral("bodyBytes"), request.body.size()},
                                           {QStringLiteral("body"), QString::fromUtf8(request.body)}});
    r.setHeader("x-echo-instance", b->instance);
    co_return r;
}

// Every path is served: /healthz and /control as such, anything else is echoed (the gateway's
// routes may strip a prefix or not).
class EchoFrontend : public Frontend
{
public:
    explicit EchoFrontend(Behaviour *behaviour)
        : m_behaviour(behaviour)
    {}
    // A digest streams, so it takes any size; an echoed body is held whole.
    qint64 bodyLimit(const Request &request) const override
    {
        return request.queryItem(QStringLiteral("digest")) == QLatin1String("1") ? (1LL << 40)
                                                                                 : 64LL * 1024 * 1024;
    }
    Answer handle(Request &request) override;

private:
    Behaviour *m_behaviour;
};

Response control(Behaviour *b, const Request &request)
{
    if (request.method == "GET")
        return Response::json(200, behaviourJson(*b));
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        return problem(request, 400, error, "invalid-body");
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString &k = it.key();
        if (k == QLatin1String("fail") && it.value().isBool())
            b->failing = it.value().toBool();
        else if (k == QLatin1String("heartbeats") && it.value().isBool())
            b->heartbeats = it.value().toBool();
        else if (k == QLatin1String("echoStatus") && it.value().isDouble() && it.value().toInt() >= 200 &&
                 it.value().toInt() <= 599)
            b->echoStatus = it.value().toInt();
        else if (k == QLatin1String("delayMs") && it.value().isDouble() && it.value().toDouble() >= 0 &&
                 it.value().toDouble() <= 600'000)
            b->delayMs = int(it.value().toDouble());
        else
            return problem(
                request, 400,
                QStringLiteral("'%1' is not a control: send fail (true/false), delayMs (0–600000), "
                               "heartbeats (true/false) or echoStatus (200–599).")
                    .arg(k),
                "invalid-control");
    }
    return Response::json(200, behaviourJson(*b));
}

// A control whose body did not come with its head.
QCoro::Task<Response> controlStreamed(Behaviour *b, Request request)
{
    if (Response failure; !co_await collectBody(&request, &failure))
        co_return failure;
    co_return control(b, request);
}

Frontend::Answer EchoFrontend::handle(Request &request)
{
    Answer answer;
    if (request.path == "/healthz" && request.method == "GET")
        answer.task = health(m_behaviour, std::move(request));
    else if (request.path == "/control" && (request.method == "GET" || request.method == "POST") &&
             !request.bodySource)
        answer.response = control(m_behaviour, request);
    else if (request.path == "/control" && request.method == "POST")
        answer.task = controlStreamed(m_behaviour, std::move(request));
    else
        answer.task = echo(m_behaviour, std::move(request));
    return answer;
}

// The registration of this echo and what its heartbeats say (Roles::Registrar sends them).
Roles::Registration registrationOf(const Options &options, quint16 port)
{
    QJsonObject check;
    if (options.check == QLatin1String("ttl")) {
        check.insert(QStringLiteral("ttlMs"), options.ttlMs);
    } else {
        if (options.check == QLatin1String("tcp"))
            check.insert(QStringLiteral("tcp"), true);
        else
            check.insert(QStringLiteral("http"), QStringLiteral("/healthz"));
        check.insert(QStringLiteral("intervalMs"), options.intervalMs);
        check.insert(QStringLiteral("timeoutMs"), options.timeoutMs);
    }
    check.insert(QStringLiteral("healthyThreshold"), options.healthyThreshold);
    check.insert(QStringLiteral("unhealthyThreshold"), options.unhealthyThreshold);
    // Bound to every address: register the loopback one, which the node can always reach here.
    const QHostAddress &h = options.host;
    const QString address = h == QHostAddress::AnyIPv6 ? QStringLiteral("::1")
                            : (h == QHostAddress::Any || h == QHostAddress::AnyIPv4)
                                ? QStringLiteral("127.0.0.1")
                                : h.toString();
    Roles::Registration r;
    r.registry = options.registry;
    r.token = options.token;
    r.service = options.service;
    r.logName = "echo";
    r.heartbeatMs = options.heartbeatMs > 0                 ? options.heartbeatMs
                    : options.check == QLatin1String("ttl") ? qMax(200, options.ttlMs / 3)
                                                            : 5'000;
    r.body = QJsonObject{
        {QStringLiteral("address"), address},
        {QStringLiteral("port"), port},
        {QStringLiteral("version"), options.version},
        {QStringLiteral("weight"), options.weight},
        {QStringLiteral("tags"), QJsonArray::fromStringList(options.tags)},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("pid"), QString::number(QCoreApplication::applicationPid())}}},
        {QStringLiteral("check"), check}};
    return r;
}

std::optional<QJsonObject> heartbeatOf(const Options &options, const Behaviour *b)
{
    if (!b->heartbeats.load())
        return std::nullopt;
    QJsonObject body{{QStringLiteral("inFlight"), b->inFlight.load()}};
    if (options.check == QLatin1String("ttl")) {
        const bool failing = b->failing.load();
        const bool slow = b->delayMs.load() > 0;
        body.insert(QStringLiteral("status"), failing ? QStringLiteral("critical")
                                              : slow  ? QStringLiteral("warning")
                                                      : QStringLiteral("passing"));
        body.insert(QStringLiteral("output"), failing ? QStringLiteral("told to fail (POST /control)")
                                              : slow  ? QStringLiteral("told to be slow (POST /control)")
                                                      : QStringLiteral("ok"));
    }
    return body;
}

// The echo role's command line; `meshdeckd --role echo --help` prints it.
struct Flags {
    const QCommandLineOption role{QStringLiteral("role"), QStringLiteral("echo (this role)."),
                                  QStringLiteral("role")};
    const QCommandLineOption listen{QStringLiteral("listen"),
                                    QStringLiteral("Address to serve on (default 127.0.0.1:0, a free port)."),
                                    QStringLiteral("host:port"), QStringLiteral("127.0.0.1:0")};
    const QCommandLineOption registerAt{
        QStringLiteral("register"), QStringLiteral("meshdeckd to register with, e.g. http://127.0.0.1:7700."),
        QStringLiteral("url")};
    const QCommandLineOption tokenFile{QStringLiteral("token-file"),
                                       QStringLiteral("File with the admin token (default: meshdeckd's data "
                                                      "directory; or set MESHDECK_TOKEN)."),
                                       QStringLiteral("file")};
    const QCommandLineOption service{QStringLiteral("service"),
                                     QStringLiteral("Service name (default echo)."), QStringLiteral("name"),
                                     QStringLiteral("echo")};
    const QCommandLineOption version{QStringLiteral("service-version"),
                                     QStringLiteral("Version to register."), QStringLiteral("version"),
                                     QStringLiteral(MESHDECK_VERSION)};
    const QCommandLineOption check{QStringLiteral("check"), QStringLiteral("http (default), tcp or ttl."),
                                   QStringLiteral("kind"), QStringLiteral("http")};
    const QCommandLineOption interval{QStringLiteral("check-interval-ms"),
                                      QStringLiteral("Active check interval (default 10000)."),
                                      QStringLiteral("ms")};
    const QCommandLineOption timeout{QStringLiteral("check-timeout-ms"),
                                     QStringLiteral("Active check timeout (default 2000)."),
                                     QStringLiteral("ms")};
    const QCommandLineOption ttl{QStringLiteral("ttl-ms"),
                                 QStringLiteral("TTL for --check ttl (default 10000)."),
                                 QStringLiteral("ms")};
    const QCommandLineOption healthy{QStringLiteral("healthy-threshold"),
                                     QStringLiteral("Passes before passing (default 2)."),
                                     QStringLiteral("n")};
    const QCommandLineOption unhealthy{QStringLiteral("unhealthy-threshold"),
                                       QStringLiteral("Failures before critical (default 3)."),
                                       QStringLiteral("n")};
    const QCommandLineOption heartbeat{
        QStringLiteral("heartbeat-ms"),
        QStringLiteral("Heartbeat period (default a third of the TTL, or 5000)."), QStringLiteral("ms")};
    const QCommandLineOption weight{QStringLiteral("weight"), QStringLiteral("Weight 0–1000 (default 100)."),
                                    QStringLiteral("n")};
    const QCommandLineOption tag{QStringLiteral("tag"), QStringLiteral("A tag; repeat for more."),
                                 QStringLiteral("tag")};

    QList<QCommandLineOption> all() const
    {
        return {role,    listen, registerAt, tokenFile, service,   version, check, interval,
                timeout, ttl,    healthy,    unhealthy, heartbeat, weight,  tag};
    }
};

bool applyListen(const QString &listenValue, Options *o, QString *error)
{
    const qsizetype colon = listenValue.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon < 0 ? 0 : listenValue.sliced(colon + 1).toUInt(&portOk);
    if (colon < 0 || !portOk || port > 65535 || !o->host.setAddress(listenValue.first(colon))) {
        *error =
            QStringLiteral("--listen expects HOST:PORT with a numeric address; got '%1'").arg(listenValue);
        return false;
    }
    o->port = quint16(port);
    return true;
}

bool applyNumbers(const QCommandLineParser &parser, const Flags &f, Options *o, QString *error)
{
    struct IntOption {
        const QCommandLineOption &option;
        int *target;
        int min;
        int max;
    };
    for (const IntOption &i :
         {IntOption{f.interval, &o->intervalMs, 100, 86'400'000},
          IntOption{f.timeout, &o->timeoutMs, 50, 300'000}, IntOption{f.ttl, &o->ttlMs, 1000, 86'400'000},
          IntOption{f.healthy, &o->healthyThreshold, 1, 100},
          IntOption{f.unhealthy, &o->unhealthyThreshold, 1, 100},
          IntOption{f.heartbeat, &o->heartbeatMs, 50, 86'400'000},
          IntOption{f.weight, &o->weight, 0, 1000}}) {
        if (!parser.isSet(i.option))
            continue;
        bool ok = false;
        const int v = parser.value(i.option).toInt(&ok);
        if (!ok || v < i.min || v > i.max) {
            *error = QStringLiteral("--%1 expects a whole number from %2 to %3; got '%4'")
                         .arg(i.option.names().constFirst())
                         .arg(i.min)
                         .arg(i.max)
                         .arg(parser.value(i.option));
            return false;
        }
        *i.target = v;
    }
    return true;
}

// Where to register, and the admin token that allows it.
bool applyRegistry(const QCommandLineParser &parser, const Flags &f, Options *o, QString *error)
{
    if (!parser.isSet(f.registerAt))
        return true;
    o->registry = QUrl(parser.value(f.registerAt), QUrl::StrictMode);
    if (!o->registry.isValid() || o->registry.scheme() != QLatin1String("http") ||
        o->registry.host().isEmpty()) {
        *error = QStringLiteral("--register expects meshdeckd's URL, e.g. http://127.0.0.1:7700; got '%1'")
                     .arg(parser.value(f.registerAt));
        return false;
    }
    o->token = qgetenv("MESHDECK_TOKEN").trimmed();
    const QString file = parser.isSet(f.tokenFile)
                             ? parser.value(f.tokenFile)
                             : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                   QStringLiteral("/meshdeckd/admin.token");
    if (o->token.isEmpty() || parser.isSet(f.tokenFile)) {
        QFile tokenFile(file);
        if (!tokenFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the admin token from %1: %2 (use --token-file or "
                                    "MESHDECK_TOKEN)")
                         .arg(file, tokenFile.errorString());
            return false;
        }
        o->token = tokenFile.readAll().trimmed();
    }
    return true;
}

bool parse(const QStringList &arguments, Options *o, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "meshdeckd --role echo: a small service that registers itself with meshdeckd. Prints one JSON "
        "line on stdout when it serves. POST /control {\"fail\":true} or {\"delayMs\":800} changes its "
        "health check; {\"heartbeats\":false} stops its heartbeats."));
    parser.addHelpOption();
    const Flags f;
    parser.addOptions(f.all());
    parser.process(arguments); // exits for --help and unknown options

    o->service = parser.value(f.service);
    o->version = parser.value(f.version);
    o->check = parser.value(f.check);
    if (!QStringList{QStringLiteral("http"), QStringLiteral("tcp"), QStringLiteral("ttl")}.contains(
            o->check)) {
        *error = QStringLiteral("--check must be http, tcp or ttl; got '%1'").arg(o->check);
        return false;
    }
    o->tags = parser.values(f.tag);
    return applyListen(parser.value(f.listen), o, error) && applyNumbers(parser, f, o, error) &&
           applyRegistry(parser, f, o, error);
}

} // namespace

int run(const QStringList &arguments)
{
    Options options;
    QString error;
    if (!parse(arguments, &options, &error)) {
        std::fprintf(stderr, "meshdeckd --role echo: %s\n", qPrintable(error));
        return ExitUsage;
    }
    applyLogLevel(QStringLiteral("info"));

    Behaviour behaviour;
    HttpMetrics metrics;
    Router router(&metrics);
    EchoFrontend frontend(&behaviour);
    Dispatcher dispatcher(router, nullptr, &metrics);
    dispatcher.setFrontend(&frontend);
    Limits limits;
    limits.defaultMaxBody = 64LL * 1024 * 1024;
    HttpServer server(limits, dispatcher, 1);
    if (!server.listen(options.host, options.port)) {
        std::fprintf(stderr, "meshdeckd --role echo: cannot listen on %s:%u: %s\n",
                     qPrintable(options.host.toString()), unsigned(options.port),
                     qPrintable(server.errorString()));
        return ExitStartupFailed;
    }
    const QString url = QStringLiteral("http://%1:%2").arg(options.host.toString()).arg(server.port());
    behaviour.instance = QStringLiteral("%1:%2").arg(options.host.toString()).arg(server.port()).toLatin1();
    const QByteArray line = QJsonDocument(QJsonObject{{QStringLiteral("ready"), true},
                                                      {QStringLiteral("role"), QStringLiteral("echo")},
                                                      {QStringLiteral("url"), url}})
                                .toJson(QJsonDocument::Compact) +
                            '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);

    std::unique_ptr<Roles::Registrar> registrar;
    if (options.registry.isValid()) {
        registrar = std::make_unique<Roles::Registrar>(
            registrationOf(options, server.port()),
            [&options, &behaviour] { return heartbeatOf(options, &behaviour); });
        QTimer::singleShot(0, registrar.get(), [r = registrar.get()] { r->registerNow(); });
    }
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, qApp, [&registrar] {
        if (registrar)
            registrar->deregisterAndExit();
        else
            QCoreApplication::exit(0);
    });
    return QCoreApplication::exec();
}

} // namespace Meshdeck::Echo
