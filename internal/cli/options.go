package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// errHelp reports that usage was printed on request.
var errHelp = errors.New("help requested")

// option describes one kebab-case option of a command.
type option struct {
	name    string
	usage   string
	def     string
	boolean bool
	secret  bool
}

// flagValue holds a flag's text and whether it was given on the command line.
type flagValue struct {
	value   string
	set     bool
	boolean bool
}

func (f *flagValue) String() string   { return f.value }
func (f *flagValue) IsBoolFlag() bool { return f.boolean }

func (f *flagValue) Set(s string) error {
	f.value, f.set = s, true
	return nil
}

// options resolves each option from, first found: the flag, the GitHub Actions input
// INPUT_NAME (only when GITHUB_ACTIONS=true), then SF_ASYNC_DEPLOY_NAME.
type options struct {
	defs   map[string]option
	flags  map[string]*flagValue
	getenv func(string) string
	args   []string
}

// parseOptions parses args against the command's options.
func parseOptions(command string, defs []option, args []string, getenv func(string) string,
	stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{defs: map[string]option{}, flags: map[string]*flagValue{}, getenv: getenv}
	for _, d := range defs {
		v := &flagValue{boolean: d.boolean}
		o.defs[d.name], o.flags[d.name] = d, v
		fs.Var(v, d.name, d.usage)
	}
	fs.Usage = func() { printUsage(stderr, command, defs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, usageErrorf("%s: %s", command, err.Error())
	}
	o.args = fs.Args()
	if len(o.args) > 0 {
		return nil, usageErrorf("%s: unexpected argument %q: options are given as --NAME VALUE",
			command, o.args[0])
	}
	return o, nil
}

func printUsage(w io.Writer, command string, defs []option) {
	fmt.Fprintf(w, "usage: sf-async-deploy %s [options]\n\noptions (also INPUT_NAME under "+
		"GitHub Actions, or SF_ASYNC_DEPLOY_NAME):\n", command)
	sorted := append([]option(nil), defs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, d := range sorted {
		def := ""
		if d.def != "" {
			def = fmt.Sprintf(" (default %s)", d.def)
		}
		fmt.Fprintf(w, "  --%-26s %s%s\n", d.name, d.usage, def)
	}
}

// envNames returns the variables an option is read from, in order.
func envNames(name string) (input, own string) {
	upper := strings.ToUpper(name)
	return "INPUT_" + upper, "SF_ASYNC_DEPLOY_" + strings.ReplaceAll(upper, "-", "_")
}

// lookup returns an option's value and whether it was given anywhere.
func (o *options) lookup(name string) (string, bool) {
	f, ok := o.flags[name]
	if !ok {
		panic("cli: undeclared option " + name) // a programming error, caught by tests
	}
	if f.set {
		if f.boolean && f.value == "" {
			return "true", true
		}
		return f.value, true
	}
	input, own := envNames(name)
	if o.getenv("GITHUB_ACTIONS") == "true" {
		if v := strings.TrimSpace(o.getenv(input)); v != "" {
			return v, true
		}
	}
	if v := strings.TrimSpace(o.getenv(own)); v != "" {
		return v, true
	}
	return o.defs[name].def, false
}

// str returns an option's value, or its default.
func (o *options) str(name string) string {
	v, _ := o.lookup(name)
	return strings.TrimSpace(v)
}

// given reports whether an option was set by flag, input or environment.
func (o *options) given(name string) bool {
	_, ok := o.lookup(name)
	return ok
}

// boolean parses a true/false option.
func (o *options) boolean(name string) (bool, error) {
	v := o.str(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return false, usageErrorf("option %s: %q is not true or false", name, v)
	}
	return b, nil
}

// duration parses a Go duration, or a bare number of seconds.
func (o *options) duration(name string) (time.Duration, error) {
	v := o.str(name)
	if v == "" {
		return 0, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return 0, usageErrorf("option %s: %q is not a duration: use a number of seconds or "+
			"a value such as 90s, 15m or 2h", name, v)
	}
	return d, nil
}

// parseDuration reads a Go duration or a bare number of seconds; negative values are refused.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("negative duration %q", v)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", v)
	}
	return d, nil
}

// oneOf checks that an option's value is one of the allowed ones.
func (o *options) oneOf(name string, allowed ...string) (string, error) {
	v := o.str(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, nil
		}
	}
	return "", usageErrorf("option %s: unknown value %q: use one of %s", name, v,
		strings.Join(allowed, ", "))
}

// list splits a comma-separated option.
func (o *options) list(name string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(o.str(name), func(r rune) bool {
		return r == ',' || r == '\n' || r == ' '
	}) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// secrets returns the values of every secret option that was given.
func (o *options) secrets() []string {
	var out []string
	for name, d := range o.defs {
		if d.secret {
			if v := o.str(name); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}
