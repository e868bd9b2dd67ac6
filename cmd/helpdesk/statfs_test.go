//go:build linux

package main

import "syscall"

type syscallStatfs struct{ syscall.Statfs_t }

func (s *syscallStatfs) free() uint64 { return s.Bavail * uint64(s.Bsize) }

func statfs(path string, st *syscallStatfs) error { return syscall.Statfs(path, &st.Statfs_t) }
