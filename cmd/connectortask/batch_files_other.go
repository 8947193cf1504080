//go:build !unix

package main

import "os"

// appends says whether f was opened for appending (>>); elsewhere than Unix it cannot tell.
func appends(*os.File) bool { return true }
