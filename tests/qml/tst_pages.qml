import QtQuick
import QtQuick.Controls
import QtTest
import Meshdeck.Core
import Meshdeck.Pages

Item {
    id: root
    width: 1000
    height: 700

    Component {
        id: overviewComponent
        OverviewPage {
            width: root.width
            height: root.height
        }
    }
    Component {
        id: unavailableComponent
        UnavailablePage {
            width: root.width
            height: root.height
            pageTitle: "Services"
            service: "registry"
        }
    }
    Component {
        id: localStackComponent
        LocalStackPage {
            width: root.width
            height: root.height
        }
    }
    Component {
        id: servicesComponent
        ServicesPage {
            width: root.width
            height: root.height
        }
    }
    Component {
        id: settingsComponent
        SettingsPage {
            width: root.width
            height: root.height
        }
    }

    TestCase {
        id: testCase
        name: "Pages"
        when: windowShown

        function texts(item) {
            let out = []
            if (item.text !== undefined && item.visible)
                out.push(String(item.text))
            const kids = item.children
            for (let i = 0; kids && i < kids.length; ++i)
                out = out.concat(texts(kids[i]))
            return out
        }
        function shows(item, fragment) {
            return texts(item).some(t => t.indexOf(fragment) >= 0)
        }

        function test_overviewShowsWhatTheBackendReports() {
            tryCompare(Console.connection, "state", BackendConnection.Connected)
            const page = createTemporaryObject(overviewComponent, root)
            verify(page)
            waitForRendering(page)
            verify(shows(page, "0b7f5a2c-1d2e-4f3a-9b8c-7d6e5f4a3b2c"), "node id from the backend")
            verify(shows(page, "9.8.7"), "version from the backend")
            verify(shows(page, "/srv/meshdeck/fixture"), "data directory from the backend")
            verify(shows(page, "Remote backend"), "attached mode is named")
            const state = findChild(page, "connectionState")
            compare(state.text, "Connected")
        }

        function test_servicesWaitForTheRegistryAndInventNothing() {
            // The fake backend has no realtime endpoint: the registry never reports.
            const page = createTemporaryObject(servicesComponent, root)
            waitForRendering(page)
            verify(shows(page, "Waiting for the registry"))
            compare(findChild(page, "instanceList").count, 0)
            compare(findChild(page, "serviceList").count, 0)
            verify(!findChild(page, "instanceDetail").visible)
            const overview = createTemporaryObject(overviewComponent, root)
            waitForRendering(overview)
            verify(shows(overview, "Waiting for the registry"))
            verify(!findChild(overview, "count_passing").visible, "no counts before the registry reported")
        }

        function test_notificationsBoxAndItsSettingFollowEachOther() {
            const page = createTemporaryObject(settingsComponent, root)
            waitForRendering(page)
            const box = findChild(page, "notificationsBox")
            verify(box)
            const original = Console.settings.notifications
            compare(box.currentValue, original)
            const choices = ["background", "always", "off"]
            const picked = choices.find(c => c !== original)
            const elsewhere = choices.find(c => c !== original && c !== picked)

            // Through the UI, as a person does it: open the list and click another choice.
            mouseClick(box)
            tryCompare(box.popup, "opened", true)
            const entry = box.popup.contentItem.itemAtIndex(box.indexOfValue(picked))
            verify(entry)
            mouseClick(entry)
            tryCompare(box.popup, "visible", false)
            compare(Console.settings.notifications, picked, "the click changed the setting")

            // And the other way: the setting changes elsewhere, the box shows it.
            Console.settings.notifications = elsewhere
            compare(box.currentValue, elsewhere, "the box follows the setting")

            Console.settings.notifications = original
            compare(box.currentValue, original)
        }

        function test_pagesWithoutABackendSaySo() {
            const page = createTemporaryObject(unavailableComponent, root)
            waitForRendering(page)
            verify(shows(page, "no registry service yet"))
            // nothing else: no tables, no numbers
            compare(texts(page).length, 2)
        }

        function test_localStackPageInAttachedMode() {
            const page = createTemporaryObject(localStackComponent, root)
            waitForRendering(page)
            verify(shows(page, "attached to a remote backend"))
        }

        function test_darkThemeSwitchChangesTheSetting() {
            const page = createTemporaryObject(settingsComponent, root)
            const toggle = findChild(page, "darkThemeSwitch")
            verify(toggle)
            const before = Console.settings.dark
            mouseClick(toggle)
            compare(Console.settings.dark, !before)
            mouseClick(toggle)
            compare(Console.settings.dark, before)
        }
    }
}
