package catalog

// SlugPattern is the shape of a product's slug: lower-case letters and digits
// in words joined by single hyphens, e.g. paspoort-aanvragen.
const SlugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`
