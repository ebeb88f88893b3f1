#include "permission.h"

#include "console.h"

namespace Meshdeck::Console {

Permission::Permission(QObject *parent)
    : QObject(parent)
{
    if (Console *console = Console::instance()) {
        m_session = console->session();
        connect(m_session, &Session::changed, this, &Permission::changed);
        connect(m_session, &Session::loginChanged, this, &Permission::changed);
    }
}

void Permission::setName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
    Q_EMIT changed();
}

bool Permission::isAllowed() const
{
    return m_session && !m_name.isEmpty() && m_session->can(m_name);
}

QString Permission::reason() const
{
    if (!m_session)
        return tr("No console session.");
    return m_session->whyNot(m_name);
}

} // namespace Meshdeck::Console
