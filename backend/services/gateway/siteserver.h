#pragma once

#include "http/httptypes.h"
#include "platform/sitedirectory.h"

#include <QFileInfo>

#include <optional>

namespace Meshdeck::Gateway {

// Serves the sites' live deployments on the gateway's listener: /sites/<siteId>/… (a prefix the
// gateway's routes cannot take) and any path on the host <site-name>.localhost (when a site has
// that name; other hosts stay the routes'). Files only (GET and HEAD), with their content type, an ETag
// and If-None-Match, `Cache-Control: no-cache` (an activation changes what a URL holds), an
// optional single-page-app fallback to index.html, and nothing outside the deployment's tree.
// Large files are streamed.
class SiteServer
{
public:
    explicit SiteServer(const SiteDirectory *directory)
        : m_directory(directory)
    {}

    // The answer when the request is for a site; nullopt when it is not (the gateway routes it).
    // `path` has passed the gateway's unsafe-path check (no dot segments, no encoded separators).
    std::optional<Http::Response> serve(const Http::Request &request) const;

    static QByteArray contentTypeOf(const QString &fileName);
    static constexpr qint64 WholeFileLimit = 1024 * 1024; // larger files are streamed

private:
    Http::Response serveFile(const Http::Request &request, const LiveSite &site,
                             const QByteArray &path) const;
    Http::Response fileResponse(const Http::Request &request, const LiveSite &site,
                                const QFileInfo &file) const;

    const SiteDirectory *m_directory;
};

} // namespace Meshdeck::Gateway
