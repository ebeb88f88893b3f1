#pragma once

#include <QObject>
#include <QPointer>
#include <QQmlEngine>

namespace Meshdeck::Console {

class Session;

// A permission a page's actions need, as QML binds to it:
//     Permission { id: mayConfigure; name: "registry.write" }
//     Button { visible: mayConfigure.allowed }  Label { text: mayConfigure.reason }
// It follows the console's session: signing in as someone else, or the principal loading, updates
// `allowed` and `reason` (a call of Console.session.can() in a binding would not be re-evaluated).
class Permission : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(bool allowed READ isAllowed NOTIFY changed)
    // Why it is not allowed, for a tooltip or the line shown instead of the actions; empty if allowed.
    Q_PROPERTY(QString reason READ reason NOTIFY changed)
public:
    explicit Permission(QObject *parent = nullptr);

    QString name() const { return m_name; }
    void setName(const QString &name);
    bool isAllowed() const;
    QString reason() const;

Q_SIGNALS:
    void nameChanged();
    void changed();

private:
    QString m_name;
    QPointer<Session> m_session;
};

} // namespace Meshdeck::Console
