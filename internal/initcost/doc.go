// Package initcost holds the test that keeps start-up cheap (issue 13): a program importing
// wrapper, and the CLI, pay no package initialiser outside the standard library that
// allocates more than 1,000 times. Nothing imports this package.
package initcost
