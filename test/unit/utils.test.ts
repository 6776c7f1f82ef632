import { describe, expect, it } from "@effect/vitest"
import { isUserInGroup } from "../../src/utils.js"

const user = {
  sub: "user-1",
  groups: ["admins", { id: "g-2", name: "editors" }],
  roles: ["billing"]
}

describe("isUserInGroup", () => {
  it("allows everyone when no group is asked for", () => {
    expect(isUserInGroup(user, [])).toBe(true)
    expect(isUserInGroup(undefined, [])).toBe(true)
    expect(isUserInGroup({ sub: "no-groups" }, [])).toBe(true)
  })

  it("denies a user without groups, or without a user", () => {
    expect(isUserInGroup({ sub: "no-groups" }, ["admins"])).toBe(false)
    expect(isUserInGroup({ sub: "empty", groups: [] }, ["admins"])).toBe(false)
    expect(isUserInGroup({ sub: "not-array", groups: "admins" }, ["admins"])).toBe(false)
    expect(isUserInGroup(undefined, ["admins"])).toBe(false)
  })

  it("matches a group held as a string", () => {
    expect(isUserInGroup(user, ["admins"])).toBe(true)
    expect(isUserInGroup(user, ["owners"])).toBe(false)
  })

  it("matches a group held as {id, name} by its id or its name", () => {
    expect(isUserInGroup(user, ["g-2"])).toBe(true)
    expect(isUserInGroup(user, ["editors"])).toBe(true)
    expect(isUserInGroup(user, [{ id: "g-2", name: "renamed" }])).toBe(true)
    expect(isUserInGroup(user, [{ id: "other", name: "editors" }])).toBe(true)
    expect(isUserInGroup(user, [{ id: "g-9", name: "viewers" }])).toBe(false)
  })

  it("matches a wanted {id, name} against a group held as a string", () => {
    expect(isUserInGroup(user, [{ id: "admins", name: "x" }])).toBe(true)
  })

  it("reads a custom claim", () => {
    expect(isUserInGroup(user, ["billing"], "roles")).toBe(true)
    expect(isUserInGroup(user, ["billing"])).toBe(false)
    expect(isUserInGroup(user, ["admins"], "roles")).toBe(false)
  })

  it("needs any group by default and every group with matchAll", () => {
    expect(isUserInGroup(user, ["admins", "owners"])).toBe(true)
    expect(isUserInGroup(user, ["admins", "owners"], "groups", true)).toBe(false)
    expect(isUserInGroup(user, ["admins", "editors"], "groups", true)).toBe(true)
  })

  it("ignores malformed held entries", () => {
    expect(isUserInGroup({ sub: "u", groups: [null, 3, { id: 7 }, "admins"] }, ["admins"])).toBe(true)
    expect(isUserInGroup({ sub: "u", groups: [null, 3, { id: 7 }] }, ["7"])).toBe(false)
  })
})
