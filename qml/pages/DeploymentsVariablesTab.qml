pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// A site's build variables. A secret's value is write-only: the API never returns it, so it shows
// masked; setting it again replaces it.
ColumnLayout {
    id: tab
    required property DeploymentsController deployments
    property bool mayWrite

    spacing: 8

    Label {
        visible: tab.deployments.selectedSite.length === 0
        text: qsTr("Choose a site to see its variables.")
        color: Theme.mutedText
    }
    ListStatus {
        visible: tab.deployments.selectedSite.length > 0 && (failed || (empty && (loading || emptyText.length > 0)))
        Layout.fillWidth: true
        loading: tab.deployments.variables.loading
        error: tab.deployments.variables.error
        empty: tab.deployments.variables.count === 0
        emptyText: qsTr("No variables: builds see only their own environment.")
        retryName: qsTr("Retry loading the variables")
        onRetry: tab.deployments.refresh()
    }
    ListView {
        id: list
        objectName: "variableList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: tab.deployments.variables
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Variables")
        delegate: RowLayout {
            id: row
            required property string variableId
            required property string name
            required property bool secret
            required property string valueText
            width: list.width
            spacing: 8
            Label {
                text: row.name
                font.family: Theme.monospace
                color: Theme.text
                Layout.preferredWidth: 200
            }
            Label {
                text: row.valueText
                font.family: Theme.monospace
                color: row.secret ? Theme.mutedText : Theme.text
                elide: Text.ElideRight
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: row.secret ? qsTr("%1: secret, hidden").arg(row.name) : qsTr("%1: %2").arg(row.name).arg(row.valueText)
            }
            Label {
                visible: row.secret
                text: qsTr("secret")
                color: Theme.warning
            }
            Button {
                text: qsTr("Delete")
                enabled: tab.mayWrite
                Accessible.name: qsTr("Delete the variable %1").arg(row.name)
                onClicked: tab.deployments.deleteVariable(row.variableId)
            }
        }
    }
    RowLayout {
        visible: tab.deployments.selectedSite.length > 0
        enabled: tab.mayWrite
        spacing: 6
        Layout.fillWidth: true
        TextField {
            id: nameField
            placeholderText: qsTr("NAME")
            Accessible.name: qsTr("Variable name")
            Layout.preferredWidth: 200
        }
        TextField {
            id: valueField
            placeholderText: qsTr("value")
            echoMode: secretBox.checked ? TextInput.Password : TextInput.Normal
            Accessible.name: qsTr("Variable value")
            Layout.fillWidth: true
        }
        CheckBox {
            id: secretBox
            text: qsTr("Secret")
            Accessible.name: qsTr("Secret: the value can be written, never read back")
        }
        Button {
            text: qsTr("Set")
            Accessible.name: qsTr("Set the variable")
            enabled: nameField.text.length > 0
            onClicked: {
                tab.deployments.setVariable(nameField.text, valueField.text, secretBox.checked)
                valueField.text = ""
            }
        }
    }
}
