package ci

import (
	"fmt"
	"strings"
	"time"
)

// gitlab writes collapsible log sections as GitLab's job log understands them.
type gitlab struct {
	plain
	now     func() time.Time
	section string
	count   int
}

func (g *gitlab) Kind() Kind { return GitLab }

func (g *gitlab) Group(title string) {
	g.EndGroup()
	g.count++
	g.section = fmt.Sprintf("sf_async_deploy_%d", g.count)
	fmt.Fprintf(g.out, "\x1b[0Ksection_start:%d:%s[collapsed=false]\r\x1b[0K%s\n",
		g.now().Unix(), g.section, strings.ReplaceAll(title, "\n", " "))
}

func (g *gitlab) EndGroup() {
	if g.section == "" {
		return
	}
	fmt.Fprintf(g.out, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", g.now().Unix(), g.section)
	g.section = ""
}
