import unittest

from wordcount import count_words


class CountWords(unittest.TestCase):
    def test_counts_words_across_lines(self):
        self.assertEqual(count_words("one two\nthree four"), 4)


if __name__ == "__main__":
    unittest.main()
