#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include "bodypipe.h"
#include "platform/principal.h"

#include <optional>
#include <utility>

namespace Meshdeck::Http {

// Hard limits of the engine; defaults from shared/REFERENCE.md ("ours (default)").
struct Limits {
    qsizetype maxRequestLine = 8 * 1024;  // longer -> 414
    qsizetype maxHeaderBytes = 32 * 1024; // field lines incl. CRLF, more -> 431
    int maxHeaderCount = 100;             // more -> 431
    qint64 defaultMaxBody = 1024 * 1024;  // per route, more -> 413
    int headerTimeoutMs = 10'000;         // head (and body progress) must arrive within -> 408 + close
    int idleTimeoutMs = 60'000;           // keep-alive idle -> close
    int maxConnections = 10'000;          // beyond -> 503 + close
    int maxPipelined = 32;                // requests in flight per connection before we stop reading
    // Request-body bytes being received or held by handlers, over all connections; a body that
    // would exceed it -> 503 + Retry-After + close.
    qint64 maxInflightBodyBytes = 64 * 1024 * 1024;
};

// Header names are stored lower-cased; values as received (trimmed of OWS).
using Headers = QList<std::pair<QByteArray, QByteArray>>;

struct Request {
    QByteArray method;
    QByteArray target; // as sent
    QByteArray path;   // the path as sent (percent-encoded), without query; see Router::match
    QByteArray query;  // raw query string (after '?'), may be empty
    int versionMinor = 1;
    Headers headers;
    QByteArray body; // the whole body, unless bodySource is set
    // A data plane's (Frontend's) request whose body had not all arrived with its head: the bytes
    // so far and the rest come from here, pulled as the handler goes; `body` is then empty.
    BodySourcePtr bodySource;
    bool keepAlive = true;
    bool upgradeWebSocket = false;

    // Filled in by the server and router.
    QHash<QString, QString> pathParams;
    QByteArray requestId;
    QByteArray peer; // the client's address as text ("127.0.0.1"), shared per connection
    QByteArray routePattern;
    // Who is calling: set by the dispatcher before an authenticated route's handler runs.
    PrincipalPtr principal;

    QByteArray header(QByteArrayView lowerName) const;
    QString queryItem(const QString &name) const;
    // Parses the body as a JSON object; on failure returns false and sets error to a readable reason.
    bool jsonObject(QJsonObject *out, QString *error) const;
};

// What a mutating route tells the audit log beyond what the dispatcher knows: the resource it
// changed and its state before and after (null where there is none: a creation has no before).
struct AuditNote {
    QString resource; // "topic:orders", "user:ID"
    QJsonValue before;
    QJsonValue after;
};

struct Response {
    int status = 200;
    QByteArray contentType;
    Headers headers; // extra headers; the engine adds Date, Content-Length, Connection, X-Request-Id
    QByteArray body;
    bool closeAfter = false;
    std::optional<AuditNote> audit; // never sent; read by the dispatcher's audit record
    // A body streamed to the client as its producer makes it (then `body` is empty): with
    // Content-Length when the source knows its length, else chunked (HTTP/1.0: until the close).
    BodySourcePtr bodySource;
    // The Content-Length to announce when the body is not in `body`: a HEAD answer's (the length
    // a GET would have) or a streamed body's. -1: from `body` (or the source).
    qint64 declaredLength = -1;

    void setHeader(QByteArray lowerName, QByteArray value);

    static Response json(int status, const QJsonObject &object);
    static Response json(int status, const QJsonDocument &document);
    static Response text(int status, QByteArray body,
                         QByteArray contentType = QByteArrayLiteral("text/plain; charset=utf-8"));
    static Response noContent()
    {
        Response r;
        r.status = 204;
        return r;
    }
};

QByteArrayView reasonPhrase(int status);

} // namespace Meshdeck::Http
