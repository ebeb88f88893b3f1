pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// "Can X do Y on Z, and why not": a principal, an action and an optional resource; the backend
// answers with the same code that enforces, and each rule it checked is listed.
ColumnLayout {
    id: tab

    function focusSearch() {
        resourceField.forceActiveFocus()
    }

    spacing: 8

    GridLayout {
        columns: 2
        columnSpacing: 8
        rowSpacing: 6
        Layout.fillWidth: true

        Label {
            text: qsTr("Who")
            color: Theme.text
        }
        ComboBox {
            id: principal
            objectName: "simulatePrincipal"
            Accessible.name: qsTr("Principal to simulate")
            textRole: "label"
            valueRole: "value"
            model: AccessController.principals
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("Action")
            color: Theme.text
        }
        ComboBox {
            id: action
            objectName: "simulateAction"
            Accessible.name: qsTr("Action to simulate")
            textRole: "name"
            valueRole: "name"
            model: AccessController.permissions
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("Resource")
            color: Theme.text
        }
        TextField {
            id: resourceField
            objectName: "simulateResource"
            placeholderText: qsTr("Optional, such as topic:orders")
            Accessible.name: qsTr("Resource to simulate")
            Layout.fillWidth: true
            onAccepted: ask.clicked()
        }
    }
    Button {
        id: ask
        text: qsTr("Check")
        Accessible.name: qsTr("Check the permission")
        enabled: principal.currentIndex >= 0 && action.currentIndex >= 0 && !AccessController.simulating
        onClicked: AccessController.simulate(principal.currentValue, action.currentValue, resourceField.text)
    }

    Label {
        objectName: "verdict"
        visible: AccessController.verdict.length > 0
        text: AccessController.verdict === "allowed"
              ? (AccessController.verdictGrant === "documents"
                 ? qsTr("Allowed, on the documents that grant it") : qsTr("Allowed"))
              : qsTr("Denied")
        color: AccessController.verdict === "allowed" ? Theme.passing : Theme.critical
        font.bold: true
        font.pixelSize: 18
    }
    ListView {
        id: reasonList
        objectName: "reasonList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: AccessController.reasons
        activeFocusOnTab: true
        keyNavigationEnabled: true
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Reasons")
        delegate: ItemDelegate {
            id: reasonEntry
            required property string rule
            required property bool passed
            required property string detail
            width: reasonList.width
            Accessible.name: qsTr("%1 rule %2: %3").arg(rule).arg(passed ? qsTr("passed") : qsTr("failed")).arg(detail)
            contentItem: RowLayout {
                Label {
                    text: reasonEntry.passed ? "✓" : "✗"
                    color: reasonEntry.passed ? Theme.passing : Theme.critical
                    font.bold: true
                }
                Label {
                    text: reasonEntry.rule
                    font.bold: true
                    color: Theme.text
                    Layout.preferredWidth: 90
                }
                Label {
                    text: reasonEntry.detail
                    color: Theme.text
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
        }
    }
    ListStatus {
        Layout.fillWidth: true
        loading: AccessController.reasons.loading
        error: AccessController.simulateError
        empty: reasonList.count === 0
        emptyText: qsTr("Pick who, what and optionally on which resource, then Check: the verdict and every rule "
                        + "behind it appear here.")
        retryName: qsTr("Check the permission again")
        onRetry: ask.clicked()
    }
}
