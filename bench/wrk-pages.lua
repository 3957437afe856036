-- Rotates wrk's requests over existing pages of the shipped atlas.
local paths = {
  "/", "/roles/", "/roles/product-owner/", "/roles/product-manager/",
  "/kpis/team-velocity/", "/compare/product-manager-vs-product-owner/",
  "/guides/pm-vs-po/", "/style.css", "/search/meta.json", "/faqs/",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
