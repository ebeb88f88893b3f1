import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The sidebar's switcher between the local stack and the cluster profiles. Attaching is
// asynchronous: the window stays live while a node is tried, and another choice wins.
ColumnLayout {
    id: switcher
    signal manageRequested
    // (not a Connections on Console: its onTargetChanged would be Connections' own signal)
    readonly property string attachedTarget: Console.target

    spacing: 4
    onAttachedTargetChanged: sync()

    function sync() {
        combo.currentIndex = combo.indexOfValue(Console.target)
    }

    Label {
        text: qsTr("Cluster")
        color: Theme.mutedText
        font.pixelSize: 11
    }
    ComboBox {
        id: combo
        objectName: "clusterSwitcher"
        Layout.fillWidth: true
        textRole: "name"
        valueRole: "profileId"
        model: {
            const fixed = [{ profileId: "local", name: qsTr("Local stack") }]
            if (Console.target === "attach")
                fixed.push({ profileId: "attach", name: Console.targetName })
            return fixed.concat(Console.profiles.entries)
        }
        Accessible.name: qsTr("Attached cluster")
        onModelChanged: switcher.sync()
        Component.onCompleted: switcher.sync()
        onActivated: index => {
            const id = combo.valueAt(index)
            if (id === "local")
                Console.attachLocal()
            else if (id !== "attach")
                Console.attachProfile(id)
        }
    }
    Button {
        objectName: "manageClusters"
        text: qsTr("Cluster profiles…")
        Accessible.name: qsTr("Manage cluster profiles")
        flat: true
        Layout.fillWidth: true
        onClicked: switcher.manageRequested()
    }
}
