pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Users, teams, API keys, the permission simulator and the audit log. A section the signed-in
// principal may not use is not offered; what it may read but not change shows no change actions.
ColumnLayout {
    id: page

    objectName: "accessPage"
    spacing: Theme.spacing

    // Whether the signed-in principal holds a permission (read in bindings: they follow the Me document).
    function can(permission: string): bool {
        return AccessController.grants[permission] !== undefined
    }

    Connections {
        target: Console
        function onFindRequested() {
            const tab = stack.children[stack.currentIndex]
            if (tab && tab.focusSearch)
                tab.focusSearch()
        }
        function onRefreshRequested() {
            AccessController.refresh()
        }
    }
    Connections {
        target: AccessController
        function onActionFinished(ok: bool, message: string) {
            result.ok = ok
            result.text = message
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Access")
        subtitle: AccessController.meLoaded
                  ? qsTr("Signed in as %1 (%2)").arg(AccessController.principalName).arg(AccessController.principalRole)
                  : qsTr("Users, teams, API keys, permissions and the audit log")
    }

    Label {
        objectName: "meError"
        visible: AccessController.meError.length > 0
        text: AccessController.meError
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }
    Label {
        id: result
        property bool ok: true
        objectName: "accessResult"
        visible: text.length > 0
        color: ok ? Theme.text : Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }

    TabBar {
        id: tabs
        objectName: "accessTabs"
        Accessible.name: qsTr("Access sections")
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        TabButton {
            text: qsTr("Users")
            Accessible.name: text
            visible: page.can("auth.users.read")
            width: visible ? implicitWidth : 0
        }
        TabButton {
            text: qsTr("Teams")
            Accessible.name: text
            visible: page.can("auth.teams.read")
            width: visible ? implicitWidth : 0
        }
        TabButton {
            text: qsTr("API keys")
            Accessible.name: text
            visible: page.can("auth.keys.read")
            width: visible ? implicitWidth : 0
        }
        TabButton {
            text: qsTr("Permission simulator")
            Accessible.name: text
            visible: page.can("access.simulate")
            width: visible ? implicitWidth : 0
        }
        TabButton {
            text: qsTr("Audit log")
            Accessible.name: text
            visible: page.can("audit.read")
            width: visible ? implicitWidth : 0
        }
        // The first section the principal may use is the one shown first.
        Component.onCompleted: page.showFirstAllowed()
    }
    Connections {
        target: AccessController
        function onMeChanged() {
            page.showFirstAllowed()
        }
    }
    function showFirstAllowed() {
        const current = tabs.itemAt(tabs.currentIndex)
        if (current && current.visible)
            return
        for (let i = 0; i < tabs.count; ++i) {
            if (tabs.itemAt(i).visible) {
                tabs.currentIndex = i
                return
            }
        }
    }

    Label {
        objectName: "nothingAllowed"
        visible: AccessController.meLoaded && !page.can("auth.users.read") && !page.can("auth.teams.read")
                 && !page.can("auth.keys.read") && !page.can("access.simulate") && !page.can("audit.read")
        text: qsTr("Your role may not manage users, teams, API keys or read the audit log here.")
        color: Theme.mutedText
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
    }

    StackLayout {
        id: stack
        currentIndex: tabs.currentIndex
        visible: AccessController.meLoaded
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0

        AccessUsersTab {
            canWrite: page.can("auth.users.write")
        }
        AccessTeamsTab {
            canWrite: page.can("auth.teams.write")
            canReadUsers: page.can("auth.users.read")
        }
        AccessKeysTab {
            canWrite: page.can("auth.keys.write")
        }
        AccessSimulatorTab {}
        AccessAuditTab {}
    }
}
