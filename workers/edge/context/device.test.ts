import { describe, expect, it } from "vitest";
import { detectDevice } from "./device.ts";

const UA = {
  chromeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  safariMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  ipad: "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  chromeAndroidPhone:
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  chromeAndroidTablet:
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  samsungTablet:
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36",
  firefoxAndroidPhone: "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  firefoxAndroidTablet: "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0",
  kindleFire:
    "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/130.4.1 like Chrome/130.0.6723.102 Safari/537.36",
  operaMini:
    "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
  windowsPhone:
    "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977",
  // iPadOS Safari asks for desktop sites: indistinguishable from a Mac.
  ipadDesktopMode:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
};

describe("detectDevice from the user agent", () => {
  it.each([
    ["chromeWindows", "desktop"],
    ["safariMac", "desktop"],
    ["firefoxLinux", "desktop"],
    ["iphone", "mobile"],
    ["ipad", "tablet"],
    ["chromeAndroidPhone", "mobile"],
    ["chromeAndroidTablet", "tablet"],
    ["samsungTablet", "tablet"],
    ["firefoxAndroidPhone", "mobile"],
    ["firefoxAndroidTablet", "tablet"],
    ["kindleFire", "tablet"],
    ["operaMini", "mobile"],
    ["windowsPhone", "mobile"],
    ["ipadDesktopMode", "desktop"],
  ] as const)("%s -> %s", (name, expected) => {
    expect(detectDevice(new Headers({ "user-agent": UA[name] }))).toBe(expected);
  });

  it("with no user agent at all, desktop", () => {
    expect(detectDevice(new Headers())).toBe("desktop");
  });
});

describe("detectDevice from Client Hints first", () => {
  it.each([
    [
      "?1 beats a desktop UA",
      { "sec-ch-ua-mobile": "?1", "user-agent": UA.chromeWindows },
      "mobile",
    ],
    [
      "?0 on Android is a tablet, whatever the UA says",
      {
        "sec-ch-ua-mobile": "?0",
        "sec-ch-ua-platform": '"Android"',
        "user-agent": UA.chromeAndroidPhone,
      },
      "tablet",
    ],
    [
      "?0 on Windows is a desktop",
      {
        "sec-ch-ua-mobile": "?0",
        "sec-ch-ua-platform": '"Windows"',
        "user-agent": UA.chromeAndroidPhone,
      },
      "desktop",
    ],
    [
      "?0 on Chrome OS is a desktop",
      {
        "sec-ch-ua-mobile": "?0",
        "sec-ch-ua-platform": '"Chrome OS"',
        "user-agent": UA.chromeWindows,
      },
      "desktop",
    ],
    [
      "?0 without a platform: the UA tells tablet from desktop, never mobile",
      { "sec-ch-ua-mobile": "?0", "user-agent": UA.chromeAndroidTablet },
      "tablet",
    ],
    [
      "?0 without a platform on a phone UA",
      { "sec-ch-ua-mobile": "?0", "user-agent": UA.chromeAndroidPhone },
      "desktop",
    ],
    [
      "form factors, when requested, win",
      {
        "sec-ch-ua-form-factors": '"Tablet"',
        "sec-ch-ua-mobile": "?1",
        "user-agent": UA.chromeAndroidPhone,
      },
      "tablet",
    ],
    [
      "form factor Desktop",
      { "sec-ch-ua-form-factors": '"Desktop"', "user-agent": UA.chromeAndroidPhone },
      "desktop",
    ],
    [
      "unknown form factor falls back",
      { "sec-ch-ua-form-factors": '"XR"', "user-agent": UA.iphone },
      "mobile",
    ],
  ])("%s", (_name, headers, expected) => {
    expect(detectDevice(new Headers(headers))).toBe(expected);
  });
});
