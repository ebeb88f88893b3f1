#pragma once

#include <QString>
#include <QStringView>

#include <memory>

namespace Meshdeck {

// A site as the gateway's listener serves it: its live deployment's files.
struct LiveSite {
    QString siteId;
    QString name;
    QString deploymentId;     // empty: the site has no live deployment
    QString root;             // the live deployment's output, unpacked: <deploymentDir>/site
    bool spaFallback = false; // a path with no file answers the root's index.html
};
using LiveSitePtr = std::shared_ptr<const LiveSite>;

// How the gateway finds the sites it serves, without knowing the sites service. Implemented by
// the sites service from a snapshot replaced whole on each activation, so a request sees one
// deployment, never a mix. Called on the engine's threads for every request to a site: both calls
// are thread-safe and cheap. Null: no site has that id or name.
class SiteDirectory
{
public:
    virtual ~SiteDirectory() = default;
    virtual LiveSitePtr siteById(QStringView siteId) const = 0;
    virtual LiveSitePtr siteByName(QStringView name) const = 0;
};

} // namespace Meshdeck
