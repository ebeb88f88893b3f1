#include "gatewayproxy.h"

#include "proxyheaders.h"
#include "sharedratelimiter.h"

#include "http/headernames.h"
#include "http/problem.h"

#include <QLoggingCategory>
#include <QVarLengthArray>

#include <QCoroFuture>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <span>
#include <string_view>

Q_LOGGING_CATEGORY(lcProxy, "meshdeck.gateway.proxy")

namespace Meshdeck::Gateway {

using namespace Meshdeck::Http;

namespace {

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A retry may start while retries in flight stay under a fifth of the route's requests in flight
// (at least 3 at once): Envoy's retry budget, so a failing upstream is not hit with a retry storm.
bool withinRetryBudget(const GatewayProxy::RouteRuntime &rt)
{
    return rt.retrying.sum() < std::max(3, rt.active.sum() / 5);
}

std::atomic<quint64> nextProxyId{1};

// A copy whose characters are its own: an implicitly shared copy counts its references on the
// original's (shared) data.
QString ownCopy(const QString &s)
{
    return QString(s.constData(), s.size());
}

QByteArray ownCopy(const QByteArray &b)
{
    return QByteArray(b.constData(), b.size());
}

// Writes nanoseconds as milliseconds with three decimals ("0.153") at `out`, as printf's "%.3f"
// would (a negative duration as 0), without printf's floating-point formatting on every answer;
// returns the end. `out` has room for 24 bytes.
char *writeMillis(char *out, qint64 ns)
{
    const qint64 micros = std::max<qint64>(0, (ns + 500) / 1000);
    out = std::to_chars(out, out + 20, micros / 1000).ptr;
    const int fraction = int(micros % 1000);
    *out++ = '.';
    *out++ = char('0' + fraction / 100);
    *out++ = char('0' + fraction / 10 % 10);
    *out++ = char('0' + fraction % 10);
    return out;
}

// The Server-Timing field: the upstream's time and the gateway's own, in one allocation.
QByteArray serverTiming(qint64 upstreamNs, qint64 gatewayNs)
{
    constexpr std::string_view Upstream = "upstream;dur=";
    constexpr std::string_view Gateway = ", gateway;dur=";
    char text[Upstream.size() + Gateway.size() + 2 * 24];
    char *at = std::copy(Upstream.begin(), Upstream.end(), text);
    at = writeMillis(at, upstreamNs);
    at = std::copy(Gateway.begin(), Gateway.end(), at);
    at = writeMillis(at, gatewayNs);
    return QByteArray(text, at - text);
}

QString failureReason(const UpstreamResult &result, const UpstreamTarget &target)
{
    if (!result.reason.isEmpty())
        return result.reason;
    return QStringLiteral("the upstream %1:%2 failed")
        .arg(QString::fromLatin1(target.address))
        .arg(target.port);
}

} // namespace

// Everything one request carries from the synchronous checks into the forwarding coroutine and
// into the metrics and the access log at the end.
struct GatewayProxy::Exchange {
    std::shared_ptr<LocalView> view; // keeps `route`, `local` and `runtime` alive
    const Route *route = nullptr;
    LocalRoute *local = nullptr;
    RouteRuntime *runtime = nullptr;
    Request request;
    PrincipalPtr principal;
    QByteArray consumer;
    Headers extraHeaders; // CORS and RateLimit fields for whatever the answer is
    qint64 startedNs = 0;
    qint64 upstreamNs = 0;
    // When the answer's head was ready: the gateway's own time ends there. A streamed body's
    // transfer after it is time spent waiting on the client or the upstream, not the gateway's;
    // so is a streamed request body's (it is inside the upstream exchange's duration).
    qint64 headNs = 0;
    bool failedMidBody = false; // logged as an error whatever the status sent
    QString instanceId;
    QByteArray instanceKey; // the id's bytes, for the metrics (UpstreamInstance::key)
    QString cause;
    Rejection rejection = Rejection::None;
    bool sharedLimit = false; // the rate limit is asked of Redis, in forward()
    // forward()'s state across its upstream exchanges, here rather than in its coroutine frame (see
    // there): the request as it goes upstream, the answer so far (the last attempt's until another
    // replaces it), and a streamed answer's breaker outcome and in-flight count, which wait for the
    // end of its body.
    UpstreamRequest up;
    std::optional<Response> answer;
    Streaming streaming;
};

GatewayProxy::GatewayProxy(Parts parts)
    : m_parts(parts)
    , m_id(nextProxyId.fetch_add(1, std::memory_order_relaxed))
{}

GatewayProxy::~GatewayProxy() = default;

std::shared_ptr<const GatewayProxy::Snapshot> GatewayProxy::snapshot() const
{
    const quint64 generation = m_parts.catalog->generation();
    std::lock_guard lock(m_mutex);
    if (m_snapshot && m_snapshot->generation == generation)
        return m_snapshot;
    auto next = std::make_shared<Snapshot>();
    next->generation = generation;
    next->table = m_parts.catalog->table();
    if (!next->table)
        next->table = std::make_shared<const RouteTable>();
    QHash<QString, std::shared_ptr<RouteRuntime>> kept;
    for (const Route &route : next->table->routes()) {
        std::shared_ptr<RouteRuntime> rt = m_runtimes.value(route.id);
        if (!rt) {
            rt = std::make_shared<RouteRuntime>();
            rt->idBytes = route.id.toUtf8();
            rt->metrics = m_parts.metrics->forRoute(route.id, route.spec.name);
        } else {
            m_parts.metrics->forRoute(route.id, route.spec.name); // renames it; the pointer stays
        }
        kept.insert(route.id, rt);
        next->runtime.push_back(std::move(rt));
    }
    // A deleted route's runtime goes with the last request or thread's view (localView) holding it.
    m_runtimes = std::move(kept);
    m_snapshot = std::move(next);
    return m_snapshot;
}

std::shared_ptr<GatewayProxy::LocalView> GatewayProxy::localView() const
{
    struct Cached {
        quint64 owner = 0;
        std::shared_ptr<LocalView> view;
    };
    static thread_local Cached cached;
    const quint64 generation = m_parts.catalog->generation();
    if (cached.owner == m_id && cached.view->snapshot->generation == generation)
        return cached.view;
    auto view = std::make_shared<LocalView>();
    view->snapshot = snapshot();
    view->routes.resize(view->snapshot->runtime.size());
    for (size_t i = 0; i < view->routes.size(); ++i)
        view->routes[i].runtime = view->snapshot->runtime[i].get();
    cached = Cached{m_id, view};
    return view;
}

const std::vector<UpstreamInstance> &GatewayProxy::instancesOf(LocalRoute &local,
                                                               const QString &service) const
{
    const quint64 generation = m_parts.directory->generation();
    if (!local.fetched || local.directoryGeneration != generation) {
        // Read after the generation: a change in between is fetched again at the next request.
        const InstanceList shared = m_parts.directory->instancesOf(service);
        local.instances.clear();
        local.instances.reserve(shared->size());
        for (const UpstreamInstance &i : *shared) {
            UpstreamInstance own = i;
            own.id = ownCopy(i.id);
            own.key = ownCopy(i.key);
            own.address = ownCopy(i.address);
            local.instances.push_back(std::move(own));
        }
        local.directoryGeneration = generation;
        local.fetched = true;
    }
    return local.instances;
}

qint64 GatewayProxy::bodyLimit(const Request &request) const
{
    const std::shared_ptr<LocalView> view = localView();
    const Route *route = matchRoute(*view->snapshot->table, request);
    return route ? route->spec.maxBodyBytes : -1;
}

Response GatewayProxy::refuse(Exchange &x, int status, const QString &detail, QByteArrayView code,
                              Rejection cause)
{
    Response response = problem(x.request, status, detail, code);
    x.rejection = cause;
    x.cause = cause == Rejection::None ? QString::fromLatin1(code.toByteArray()) : rejectionName(cause);
    return response;
}

void GatewayProxy::finish(Exchange &x, const Response &response)
{
    finish(x, response.status, response.body.size());
}

void GatewayProxy::finish(Exchange &x, int status, qint64 bytesOut, qint64 nowNs)
{
    if (nowNs == 0)
        nowNs = steadyNs();
    const qint64 totalNs = nowNs - x.startedNs;
    const qint64 gatewayNs = std::max<qint64>(0, (x.headNs ? x.headNs : nowNs) - x.startedNs - x.upstreamNs);
    RequestSample sample;
    sample.route = x.runtime ? x.runtime->metrics : nullptr;
    // A directory other than the registry may leave the key out.
    const QByteArray instance = x.instanceKey.isEmpty() ? x.instanceId.toUtf8() : x.instanceKey;
    sample.instanceId = instance;
    sample.status = status;
    sample.bytesIn = x.request.bodySource ? x.request.bodySource->taken() : x.request.body.size();
    sample.bytesOut = bytesOut;
    sample.totalMicros = totalNs / 1000;
    sample.gatewayMicros = gatewayNs / 1000;
    sample.rejection = x.rejection;
    m_parts.metrics->record(sample);
    AccessLog *log = m_parts.accessLog;
    const bool refused = x.rejection != Rejection::None || (!x.route && status >= 400) || x.failedMidBody;
    if (!log || !log->wants(status, refused, x.route ? x.route->spec.accessLogSample : std::nullopt))
        return;
    AccessEntry e;
    e.requestId = x.request.requestId;
    if (x.route) {
        e.routeId = x.route->id;
        e.route = x.route->spec.name;
    }
    e.method = x.request.method;
    e.path = x.request.path;
    e.status = status;
    e.durationMs = double(totalNs) / 1e6;
    e.gatewayMs = double(gatewayNs) / 1e6;
    e.upstreamMs = e.durationMs - e.gatewayMs;
    e.instanceId = x.instanceId;
    // Behind a trusted proxy, the client it names (the peer is the proxy).
    e.client = ProxyHeaders::clientAddress(x.request, &m_trustedProxies);
    e.consumer = x.consumer;
    e.bytesIn = sample.bytesIn;
    e.bytesOut = sample.bytesOut;
    e.cause = x.cause;
    log->offer(e);
}

// A CORS preflight is matched with the method it asks about, and HEAD wherever GET would go.
const Route *GatewayProxy::matchRoute(const RouteTable &table, const Request &request)
{
    const QByteArray host = request.header("host");
    if (isNamed(request.method, "OPTIONS")) {
        const QByteArray asked = request.header("access-control-request-method");
        if (!asked.isEmpty() && !request.header("origin").isEmpty()) {
            if (const Route *route = table.match(host, asked, request.path))
                return route;
        }
    }
    const Route *route = table.match(host, request.method, request.path);
    if (!route && isNamed(request.method, "HEAD"))
        route = table.match(host, "GET", request.path);
    return route;
}

Frontend::Answer GatewayProxy::handle(Request &request)
{
    const QString unsafe = ProxyHeaders::unsafePathReason(request.path);
    if (unsafe.isEmpty()) {
        if (std::optional<Response> site = m_sites.serve(request)) {
            Answer answer;
            answer.response = std::move(site);
            return answer;
        }
    }
    auto x = std::make_shared<Exchange>();
    x->startedNs = steadyNs();
    x->view = localView();
    x->route = unsafe.isEmpty() ? matchRoute(*x->view->snapshot->table, request) : nullptr;
    x->request = std::move(request);
    Answer answer;
    const auto refuseNow = [&](int status, const QString &detail, QByteArrayView code, Rejection cause) {
        Response r = refuse(*x, status, detail, code, cause);
        for (const auto &h : x->extraHeaders)
            r.headers.append(h);
        finish(*x, r);
        answer.response = std::move(r);
        return std::move(answer);
    };
    if (!unsafe.isEmpty())
        return refuseNow(400, unsafe, "unsafe-path", Rejection::None);
    if (!x->route)
        return refuseNow(
            404,
            QStringLiteral("No gateway route takes %1 %2 (host %3); GET /v1/gateway/routes on the "
                           "admin API lists them.")
                .arg(QString::fromLatin1(x->request.method), QString::fromUtf8(x->request.path),
                     x->request.header("host").isEmpty() ? QStringLiteral("none")
                                                         : QString::fromLatin1(x->request.header("host"))),
            "no-route", Rejection::None);
    const Route &route = *x->route;
    const RouteSpec &spec = route.spec;
    x->local = &x->view->of(x->route);
    x->runtime = x->local->runtime;
    if (x->request.upgradeWebSocket)
        return refuseNow(501, QStringLiteral("The gateway does not forward WebSocket upgrades yet."),
                         "websocket-unsupported", Rejection::None);

    const ProxyHeaders::Cors cors = ProxyHeaders::evaluateCors(spec, x->request);
    if (cors.originAllowed)
        x->extraHeaders = cors.headers;
    if (cors.preflight) {
        if (!cors.refusal.isEmpty())
            return refuseNow(403, cors.refusal, "cors-origin", Rejection::Cors);
        Response r = Response::noContent();
        r.headers = cors.headers;
        finish(*x, r);
        answer.response = std::move(r);
        return answer;
    }

    if (spec.auth == EdgeAuth::Required) {
        const QByteArray credential = bearerCredential(x->request);
        Authentication auth;
        if (credential.isEmpty())
            auth = Authentication::refused(
                QStringLiteral("This route needs 'Authorization: Bearer <credential>': an access token from "
                               "POST /v1/auth/sessions or an API key."),
                "unauthenticated");
        else if (m_authenticator)
            auth = m_authenticator->authenticate(credential, x->request.peer);
        else
            auth = Authentication::refused(QStringLiteral("The gateway cannot check credentials yet."),
                                           "auth-starting");
        if (!auth) {
            x->extraHeaders.append(
                {QByteArrayLiteral("www-authenticate"), auth.code == "unauthenticated"
                                                            ? QByteArray("Bearer")
                                                            : QByteArray("Bearer error=\"invalid_token\"")});
            return refuseNow(401, auth.reason, auth.code, Rejection::Auth);
        }
        x->principal = auth.principal;
    }

    if (spec.rateLimit) {
        x->consumer = ProxyHeaders::consumerOf(spec.rateLimit->by, x->principal.get(),
                                               ProxyHeaders::clientAddress(x->request, &m_trustedProxies));
        if (m_parts.sharedLimiter && m_parts.sharedLimiter->mode() != SharedRateLimiter::Mode::Local) {
            x->sharedLimit = true; // asked of Redis in forward()
        } else {
            const RateLimitDecision decision = m_parts.limiter->take(x->runtime->idBytes, x->consumer,
                                                                     *spec.rateLimit, m_parts.clock->nowMs());
            if (std::optional<Response> refused = applyLimit(*x, decision)) {
                finish(*x, *refused);
                answer.response = std::move(refused);
                return answer;
            }
        }
    }
    answer.task = forward(std::move(x));
    return answer;
}

// The engine's own refusal of a request on this listener (the body over the route's limit, found
// from Content-Length or as a chunked body grew): counted as the route's tooLarge rejection and
// logged like the gateway's refusals.
void GatewayProxy::engineRefused(const Request &request, const Response &response)
{
    if (response.status != 413)
        return;
    Exchange x;
    x.startedNs = steadyNs();
    x.view = localView();
    x.route = matchRoute(*x.view->snapshot->table, request);
    if (x.route) {
        x.local = &x.view->of(x.route);
        x.runtime = x.local->runtime;
    }
    x.request = request;
    x.rejection = Rejection::TooLarge;
    x.cause = rejectionName(Rejection::TooLarge);
    finish(x, response);
}

// The rate limit's headers for every answer, and the 429 when the bucket is empty.
std::optional<Response> GatewayProxy::applyLimit(Exchange &x, const RateLimitDecision &decision)
{
    const RateLimitHeaders fields = rateLimitHeaders(decision);
    x.extraHeaders.append({QByteArrayLiteral("ratelimit-policy"), fields.policy});
    x.extraHeaders.append({QByteArrayLiteral("ratelimit"), fields.rateLimit});
    if (decision.allowed)
        return std::nullopt;
    x.extraHeaders.append({QByteArrayLiteral("retry-after"), fields.retryAfter});
    const RateLimitPolicy &policy = *x.route->spec.rateLimit;
    Response r =
        refuse(x, 429,
               QStringLiteral("%1 is over this route's limit of %2 requests in %3 s; retry after %4 s.")
                   .arg(QString::fromUtf8(x.consumer))
                   .arg(policy.requests)
                   .arg(policy.perSeconds)
                   .arg(decision.retryAfterSeconds),
               "rate-limited", Rejection::RateLimit);
    for (const auto &h : x.extraHeaders)
        r.headers.append(h);
    return r;
}

// A streamed answer is counted, logged and given its breaker outcome when its body ends: an
// upstream that dies mid-body is a breaker failure and a 502 in the metrics and the log (the client
// saw a truncated response); a client that leaves mid-body is logged as 499 client-gone.
void GatewayProxy::followBody(const std::shared_ptr<Exchange> &x, Response &response, BreakerTicket ticket,
                              InFlight::Guard guard)
{
    struct Tail {
        std::shared_ptr<Exchange> exchange;
        BreakerTicket ticket;
        InFlight::Guard guard;
        int status = 0;
    };
    auto tail = std::make_shared<Tail>(Tail{x, std::move(ticket), std::move(guard), response.status});
    response.bodySource->pipe().onDone([this, tail](const BodyPipe::Outcome &outcome) {
        Exchange &e = *tail->exchange;
        tail->guard.release();
        int status = tail->status;
        if (outcome.error == BodyError::UpstreamFailed) {
            status = 502;
            e.cause = QStringLiteral("upstream-died-mid-body");
            e.failedMidBody = true;
            if (tail->ticket)
                tail->ticket.record(false, *m_parts.clock, outcome.reason);
        } else {
            if (!outcome.complete) {
                status = 499;
                e.cause = QStringLiteral("client-gone");
                e.failedMidBody = true;
            }
            if (tail->ticket)
                tail->ticket.record(true, *m_parts.clock, {});
        }
        finish(e, status, outcome.bytes);
    });
}

// The answer when the client's streamed request body failed before the upstream answered.
Response GatewayProxy::requestBodyAnswer(Exchange &x, const UpstreamResult &result)
{
    switch (result.bodyError) {
    case BodyError::TooLarge:
        return refuse(x, 413, result.reason, "body-too-large", Rejection::TooLarge);
    case BodyError::Timeout:
        return refuse(x, 408, result.reason, "request-timeout", Rejection::None);
    case BodyError::Invalid:
        return refuse(x, 400, result.reason, "malformed-request", Rejection::None);
    default: {
        // Nobody is left to read this answer; it is counted and logged as the client's leaving.
        Response r = refuse(x, 499, result.reason, "client-gone", Rejection::None);
        x.failedMidBody = true;
        return r;
    }
    }
}

// An instance for the next attempt that its breaker admits (not one of `tried`), or none: then
// whether breakers refused some and when the first of them takes a request again.
GatewayProxy::Pick GatewayProxy::pickInstance(const Route &route, LocalRoute &local,
                                              std::span<const QString> tried)
{
    const RouteSpec &spec = route.spec;
    RouteRuntime &rt = *local.runtime;
    // The service's instances that may take traffic: passing ones, warning ones as a last resort.
    const std::vector<UpstreamInstance> &instances = instancesOf(local, spec.service);
    QVarLengthArray<Candidate, 8> candidates;
    QVarLengthArray<const UpstreamInstance *, 8> sources; // each candidate's instance
    candidates.reserve(qsizetype(instances.size()));
    for (const UpstreamInstance &i : instances) {
        if (i.draining || i.health == UpstreamInstance::Health::Critical)
            continue;
        sources.push_back(&i);
        candidates.push_back(
            Candidate{i.id, i.address, i.port, i.weight, i.health == UpstreamInstance::Health::Warning, 0});
    }
    QVarLengthArray<QString, 4> refusedByBreaker;
    QVarLengthArray<QString, 8> excludedBoth; // built only when both lists have names
    Pick pick;
    while (true) {
        std::span<const QString> excluded =
            refusedByBreaker.isEmpty() ? tried : std::span<const QString>(refusedByBreaker);
        if (!tried.empty() && !refusedByBreaker.isEmpty()) {
            excludedBoth.clear();
            excludedBoth.append(tried.data(), qsizetype(tried.size()));
            excludedBoth.append(refusedByBreaker.constData(), refusedByBreaker.size());
            excluded = excludedBoth;
        }
        const int chosen = rt.balancer.pick(spec.balancer, candidates, excluded, m_parts.inFlight);
        if (chosen < 0)
            break;
        Candidate &candidate = candidates[size_t(chosen)];
        pick.ticket = m_parts.breakers->admit(route.id, candidate.instanceId, spec.breaker, *m_parts.clock);
        if (pick.ticket) {
            pick.found = true;
            pick.instanceId = std::move(candidate.instanceId);
            pick.instanceKey = sources[chosen]->key;
            pick.where = UpstreamTarget{std::move(candidate.address), candidate.port};
            return pick;
        }
        pick.retryAfterMs = pick.retryAfterMs == 0 ? pick.ticket.retryAfterMs()
                                                   : std::min(pick.retryAfterMs, pick.ticket.retryAfterMs());
        refusedByBreaker.append(candidate.instanceId);
    }
    pick.breakerRefused = !refusedByBreaker.isEmpty();
    return pick;
}

// What the client gets if this attempt is the last, and the attempt's breaker outcome and in-flight
// count: recorded now, or for a streamed answer handed on to the end of its body. `failed`: a
// failure the breaker counts; `reason`: a failure's (a success pays for formatting none).
Response GatewayProxy::settle(Exchange &x, UpstreamResult &result, const UpstreamTarget &where, Pick &pick,
                              InFlight::Guard &guard, Streaming &streaming, bool *failed, QString *reason)
{
    const RouteSpec &spec = x.route->spec;
    *failed = result.failure != UpstreamFailure::None || result.response->status >= 500;
    *reason = result.failure != UpstreamFailure::None ? failureReason(result, where)
              : *failed                               ? QStringLiteral("HTTP %1 from %2:%3")
                              .arg(result.response->status)
                              .arg(QString::fromLatin1(where.address))
                              .arg(where.port)
                        : QString();
    const bool streamed = result.failure == UpstreamFailure::None && result.response->bodySource;
    if (result.failure == UpstreamFailure::RequestBody) {
        // The client's body failed, not the upstream: no breaker outcome.
        pick.ticket.abandon(*m_parts.clock);
        guard.release();
    } else if (streamed && !*failed) {
        streaming.ticket = std::move(pick.ticket);
        streaming.guard = std::move(guard);
    } else {
        guard.release();
        pick.ticket.record(!*failed, *m_parts.clock, *reason);
    }
    Response built;
    if (result.failure == UpstreamFailure::None) {
        x.rejection = Rejection::None;
        x.cause.clear();
        built.status = result.response->status;
        ProxyHeaders::copyResponseHeaders(result.response->headers, spec, &built);
        built.body = std::move(result.response->body);
        built.bodySource = std::move(result.response->bodySource);
        if (isNamed(x.request.method, "HEAD")) {
            // The length a GET would have, as the upstream said it (RFC 9110 9.3.2).
            for (const auto &[name, value] : result.response->headers) {
                bool ok = false;
                const qint64 length = isNamed(name, "content-length") ? value.trimmed().toLongLong(&ok) : -1;
                if (ok && length >= 0)
                    built.declaredLength = length;
            }
        }
    } else if (result.failure == UpstreamFailure::RequestBody) {
        built = requestBodyAnswer(x, result);
    } else if (result.failure == UpstreamFailure::Timeout) {
        built = refuse(x, 504,
                       QStringLiteral("%1:%2 did not answer within the route's timeout of %3 ms.")
                           .arg(QString::fromLatin1(where.address))
                           .arg(where.port)
                           .arg(spec.timeoutMs),
                       "upstream-timeout", Rejection::None);
    } else {
        built = refuse(x, 502, QStringLiteral("The upstream failed: %1.").arg(*reason), "upstream-failed",
                       Rejection::None);
    }
    return built;
}

// The refusal when no instance could take the request (and no attempt was made).
Response GatewayProxy::noInstance(Exchange &x, const Pick &pick)
{
    const RouteSpec &spec = x.route->spec;
    if (pick.breakerRefused) {
        x.extraHeaders.append(
            {"retry-after", QByteArray::number(std::max<qint64>(1, (pick.retryAfterMs + 999) / 1000))});
        return refuse(x, 503,
                      QStringLiteral("Every instance of %1 that could take this request has its circuit "
                                     "breaker open after failing; the gateway tries one again after the "
                                     "cool-down.")
                          .arg(spec.service),
                      "breaker-open", Rejection::Breaker);
    }
    return refuse(x, 503,
                  QStringLiteral("The service %1 has no passing instance to take this request (the "
                                 "Services page shows its instances).")
                      .arg(spec.service),
                  "no-healthy-instance", Rejection::NoInstance);
}

// The coroutine keeps only what spans an upstream exchange: the instance choice and an attempt's
// answer are built in the functions above, and the upstream request and the answer are in the
// Exchange. Its frame stays under 1 KB, in malloc's per-thread cache: a frame of about 3 KB took
// malloc's slow path, with a consolidation of its fast bins, on every request.
QCoro::Task<Response> GatewayProxy::forward(std::shared_ptr<Exchange> x)
{
    const Route &route = *x->route;
    const RouteSpec &spec = route.spec;
    if (x->sharedLimit) {
        QFuture<RateLimitDecision> taking =
            m_parts.sharedLimiter->take(x->runtime->idBytes, x->consumer, *spec.rateLimit);
        const RateLimitDecision decision = co_await taking;
        x->answer = applyLimit(*x, decision);
        if (x->answer) {
            finish(*x, *x->answer);
            co_return std::move(*x->answer);
        }
    }
    RouteRuntime &rt = *x->runtime;
    rt.active.add(1);
    struct Leave {
        RouteRuntime &rt;
        ~Leave() { rt.active.add(-1); }
    } leave{rt};

    UpstreamRequest &up = x->up;
    up.method = x->request.method;
    up.target = strippedPath(route, x->request.path);
    if (!x->request.query.isEmpty())
        up.target += '?' + x->request.query;
    up.headerLines = ProxyHeaders::upstreamHeaderLines(
        x->request, spec.auth == EdgeAuth::Required, m_tls ? QByteArrayView("https") : QByteArrayView("http"),
        &m_trustedProxies);
    up.headers = ProxyHeaders::identityHeaders(x->principal.get());
    up.body = x->request.body;
    up.bodySource = x->request.bodySource;
    const qint64 deadlineNs = x->startedNs + qint64(spec.timeoutMs) * 1'000'000;
    UpstreamPool *pool = UpstreamPool::forThisThread();

    QVarLengthArray<QString, 2> tried;
    bool retry = false;
    std::optional<Response> &answer = x->answer;
    while (true) {
        Pick pick = pickInstance(route, *x->local, tried);
        if (!pick.found) {
            if (tried.isEmpty())
                answer = noInstance(*x, pick);
            break; // else the last attempt's answer stands
        }
        x->instanceId = pick.instanceId;
        x->instanceKey = pick.instanceKey;
        tried.append(pick.instanceId);
        // A first attempt that waited for nothing (forward() runs from handle() on, to its first
        // co_await) has the whole timeout: the microseconds since handle() read the clock are not
        // worth reading it again.
        const qint64 remainingNs = tried.size() == 1 && !x->sharedLimit ? qint64(spec.timeoutMs) * 1'000'000
                                                                        : deadlineNs - steadyNs();
        if (remainingNs <= 0) {
            pick.ticket.abandon(*m_parts.clock);
            answer = refuse(*x, 504,
                            QStringLiteral("The route's timeout of %1 ms passed before an upstream answered.")
                                .arg(spec.timeoutMs),
                            "upstream-timeout", Rejection::None);
            break;
        }
        struct Retrying {
            ShardedCount *count;
            explicit Retrying(ShardedCount *c)
                : count(c)
            {
                if (count)
                    count->add(1);
            }
            ~Retrying()
            {
                if (count)
                    count->add(-1);
            }
        } retrying(retry ? &rt.retrying : nullptr);
        InFlight::Guard guard = m_parts.inFlight->acquire(pick.instanceId);
        const int attempts = int(tried.size());
        QCoro::Task<UpstreamResult> sending =
            pool->stream(pick.where, attempts <= spec.retries ? up : std::move(up),
                         std::chrono::milliseconds(std::max<qint64>(1, remainingNs / 1'000'000)));
        UpstreamResult result = co_await sending;
        x->upstreamNs += result.durationNs;
        bool failed = false;
        QString reason;
        answer = settle(*x, result, pick.where, pick, guard, x->streaming, &failed, &reason);
        const bool bodyIntact = !x->request.bodySource || x->request.bodySource->taken() == 0;
        const bool mayRetry =
            failed && attempts <= spec.retries && (isIdempotent(x->request.method) || !result.sent) &&
            result.failure != UpstreamFailure::Timeout && result.failure != UpstreamFailure::RequestBody &&
            bodyIntact && steadyNs() < deadlineNs && withinRetryBudget(rt);
        if (!mayRetry)
            break;
        qCDebug(lcProxy).noquote() << "retrying" << x->request.requestId << "after" << reason;
        retry = true;
    }
    for (const auto &h : x->extraHeaders)
        answer->headers.append(h);
    x->headNs = steadyNs();
    answer->headers.append({QByteArrayLiteral("server-timing"),
                            serverTiming(x->upstreamNs, x->headNs - x->startedNs - x->upstreamNs)});
    if (answer->bodySource)
        followBody(x, *answer, std::move(x->streaming.ticket), std::move(x->streaming.guard));
    else
        finish(*x, answer->status, answer->body.size(), x->headNs); // ends as its head is ready
    co_return std::move(*answer);
}

} // namespace Meshdeck::Gateway
