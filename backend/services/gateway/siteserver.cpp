#include "siteserver.h"

#include "http/bodypipe.h"
#include "http/headernames.h"
#include "http/problem.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <memory>

namespace Meshdeck::Gateway {

using Http::isNamed;
using Http::Request;
using Http::Response;

namespace {

constexpr QByteArrayView SitesPrefix = "/sites/";
constexpr QByteArrayView LocalhostSuffix = ".localhost";

// Pushes a file into a body pipe as the client takes it (64 KiB at a time, never more than the
// pipe's high-water mark waiting), then ends it; stops when the client goes.
class FileBody : public std::enable_shared_from_this<FileBody>
{
public:
    FileBody(std::shared_ptr<Http::BodyPipe> pipe, std::unique_ptr<QFile> file)
        : m_pipe(std::move(pipe))
        , m_file(std::move(file))
    {}
    void pump()
    {
        while (!m_pipe->abandoned() && m_pipe->writable()) {
            QByteArray chunk = m_file->read(64 * 1024);
            if (chunk.isEmpty()) {
                if (m_file->error() != QFileDevice::NoError)
                    m_pipe->fail(Http::BodyError::Invalid,
                                 QStringLiteral("The file could not be read: %1").arg(m_file->errorString()));
                else
                    m_pipe->end();
                return;
            }
            m_pipe->push(std::move(chunk));
        }
        if (m_pipe->abandoned())
            return;
        m_pipe->onWritable([self = shared_from_this()] { self->pump(); });
    }

private:
    std::shared_ptr<Http::BodyPipe> m_pipe;
    std::unique_ptr<QFile> m_file;
};

// The Host header's name without its port, lower-cased; empty unless it ends in ".localhost" (an
// IPv6 literal names no site). Every gateway request asks: one that names no site costs no copy.
QByteArray siteHostName(const Request &request)
{
    QByteArrayView host;
    for (const auto &[name, value] : request.headers) {
        if (isNamed(name, "host")) {
            host = value;
            break;
        }
    }
    if (host.startsWith('['))
        return {};
    const qsizetype colon = Http::findLastByte(host, ':');
    if (colon >= 0)
        host = host.first(colon);
    if (host.size() <= LocalhostSuffix.size() ||
        host.last(LocalhostSuffix.size()).compare(LocalhostSuffix, Qt::CaseInsensitive) != 0)
        return {};
    return host.toByteArray().toLower();
}

bool validSiteLabel(QByteArrayView label)
{
    if (label.isEmpty() || label.size() > 63)
        return false;
    for (char c : label) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

// Does `tag` (the ETag we send) satisfy If-None-Match? RFC 9110 13.1.2: a weak comparison, "*"
// matches any current representation.
bool noneMatch(const QByteArray &header, QByteArrayView tag)
{
    for (const QByteArray &entry : header.split(',')) {
        QByteArrayView item = QByteArrayView(entry).trimmed();
        if (item == "*")
            return true;
        if (item.startsWith("W/"))
            item = item.sliced(2);
        if (item == tag)
            return true;
    }
    return false;
}

} // namespace

QByteArray SiteServer::contentTypeOf(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    static const QHash<QString, QByteArray> types = {
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("md"), "text/markdown; charset=utf-8"},
        {QStringLiteral("xml"), "application/xml"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("avif"), "image/avif"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("woff"), "font/woff"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("ttf"), "font/ttf"},
        {QStringLiteral("otf"), "font/otf"},
        {QStringLiteral("wasm"), "application/wasm"},
        {QStringLiteral("pdf"), "application/pdf"},
        {QStringLiteral("mp4"), "video/mp4"},
        {QStringLiteral("webm"), "video/webm"},
        {QStringLiteral("mp3"), "audio/mpeg"},
    };
    return types.value(suffix, QByteArrayLiteral("application/octet-stream"));
}

std::optional<Response> SiteServer::serve(const Request &request) const
{
    if (!m_directory)
        return std::nullopt;
    LiveSitePtr site;
    QByteArray path; // the path inside the site, starting with '/'
    QString asked;   // how the request named the site, for the messages
    if (request.path.startsWith(SitesPrefix.data()) || isNamed(request.path, "/sites")) {
        const QByteArray rest = request.path.mid(SitesPrefix.size());
        const qsizetype slash = rest.indexOf('/');
        const QByteArray id = slash < 0 ? rest : rest.left(slash);
        if (id.isEmpty())
            return Http::problem(request, 404,
                                 QStringLiteral("Name a site: /sites/<siteId>/ (GET /v1/sites on the admin "
                                                "API lists them)."),
                                 "no-site");
        asked = QString::fromUtf8(id);
        if (slash < 0) {
            // The site's root needs its slash, or the page's relative links resolve one level up.
            Response r;
            r.status = 308;
            r.setHeader("location",
                        request.path + '/' + (request.query.isEmpty() ? "" : '?' + request.query));
            return r;
        }
        path = rest.mid(slash);
        site = m_directory->siteById(asked);
    } else {
        const QByteArray host = siteHostName(request);
        if (host.isEmpty())
            return std::nullopt;
        const QByteArray label = host.chopped(LocalhostSuffix.size());
        if (!validSiteLabel(label))
            return std::nullopt;
        asked = QString::fromLatin1(label);
        path = request.path;
        site = m_directory->siteByName(asked);
        if (!site)
            return std::nullopt; // api.localhost may be a gateway route's host: only sites' names are taken
    }
    if (!site)
        return Http::problem(
            request, 404,
            QStringLiteral("There is no site '%1' (GET /v1/sites on the admin API lists them).").arg(asked),
            "no-site");
    if (request.method != "GET" && request.method != "HEAD") {
        Response r = Http::problem(request, 405,
                                   QStringLiteral("A site serves files: use GET or HEAD, not %1.")
                                       .arg(QString::fromLatin1(request.method)),
                                   "method-not-allowed");
        r.setHeader("allow", "GET, HEAD");
        return r;
    }
    if (site->deploymentId.isEmpty())
        return Http::problem(request, 404,
                             QStringLiteral("The site '%1' has no live deployment yet; activate a ready "
                                            "deployment on the Deployments page or with PATCH "
                                            "/v1/sites/%2/deployments/{deploymentId}/activate.")
                                 .arg(site->name, site->siteId),
                             "no-live-deployment");
    return serveFile(request, *site, path);
}

Response SiteServer::serveFile(const Request &request, const LiveSite &site, const QByteArray &path) const
{
    const QByteArray decoded = QByteArray::fromPercentEncoding(path);
    if (decoded.contains('\0') || decoded.contains('\\'))
        return Http::problem(request, 400, QStringLiteral("The path has a NUL byte or a backslash."),
                             "bad-path");
    const QString relative = QString::fromUtf8(decoded);
    const QString cleaned = QDir::cleanPath(QStringLiteral("/") + relative);
    if (cleaned.contains(QStringLiteral("/../")) || cleaned.endsWith(QStringLiteral("/..")))
        return Http::problem(request, 400, QStringLiteral("The path leaves the site."), "bad-path");
    const QString rootCanonical = QFileInfo(site.root).canonicalFilePath();
    if (rootCanonical.isEmpty())
        return Http::problem(request, 503,
                             QStringLiteral("The files of the site's live deployment %1 are missing on this "
                                            "node; redeploy or activate another deployment.")
                                 .arg(site.deploymentId),
                             "deployment-files-missing");
    const auto inside = [&](const QFileInfo &info) {
        const QString canonical = info.canonicalFilePath();
        return !canonical.isEmpty() &&
               (canonical == rootCanonical || canonical.startsWith(rootCanonical + QLatin1Char('/')));
    };
    QFileInfo file(rootCanonical + cleaned);
    if (file.isDir())
        file = QFileInfo(file.filePath() + QStringLiteral("/index.html"));
    if (file.isFile() && inside(file))
        return fileResponse(request, site, file);
    // No such file: a single-page app answers its index.html for a route-like path (no extension).
    const bool routeLike = QFileInfo(cleaned).suffix().isEmpty();
    if (site.spaFallback && routeLike) {
        const QFileInfo index(rootCanonical + QStringLiteral("/index.html"));
        if (index.isFile() && inside(index))
            return fileResponse(request, site, index);
    }
    return Http::problem(request, 404,
                         QStringLiteral("The live deployment %1 of site '%2' has no file %3.")
                             .arg(site.deploymentId, site.name, cleaned),
                         "no-file");
}

Response SiteServer::fileResponse(const Request &request, const LiveSite &site, const QFileInfo &file) const
{
    // A deployment's files never change: its id, the file's size and time make a strong validator.
    const QByteArray tag = '"' + site.deploymentId.toLatin1() + '-' + QByteArray::number(file.size(), 16) +
                           '-' + QByteArray::number(file.lastModified().toMSecsSinceEpoch(), 16) + '"';
    Response r;
    r.setHeader("etag", tag);
    r.setHeader("cache-control", "no-cache");
    r.setHeader("x-content-type-options", "nosniff");
    r.setHeader("x-meshdeck-deployment", site.deploymentId.toLatin1());
    const QByteArray ifNoneMatch = request.header("if-none-match");
    if (!ifNoneMatch.isEmpty() && noneMatch(ifNoneMatch, tag)) {
        r.status = 304;
        return r;
    }
    r.contentType = contentTypeOf(file.fileName());
    if (isNamed(request.method, "HEAD")) {
        r.declaredLength = file.size();
        return r;
    }
    auto handle = std::make_unique<QFile>(file.filePath());
    if (!handle->open(QIODevice::ReadOnly))
        return Http::problem(
            request, 503,
            QStringLiteral("The file %1 could not be read: %2").arg(file.fileName(), handle->errorString()),
            "file-unreadable");
    if (file.size() <= WholeFileLimit) {
        r.body = handle->readAll();
        return r;
    }
    auto pipe = std::make_shared<Http::BodyPipe>(file.size());
    auto producer = std::make_shared<FileBody>(pipe, std::move(handle));
    producer->pump();
    r.bodySource = std::make_shared<Http::BodySource>(pipe);
    return r;
}

} // namespace Meshdeck::Gateway
